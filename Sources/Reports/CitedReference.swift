/// Figures quoted from elsewhere, the only numbers in the reports not measured by the
/// project; reports mark them *(cited)*.
public enum CitedReference {
    /// The test accuracy *Dive into Deep Learning* reports for concise softmax regression
    /// on Fashion-MNIST (10 epochs, lr 0.1, batch 256, FP32), as a fraction.
    public static let bookSoftmaxAccuracy = 0.837
    /// How the reports name the source.
    public static let bookSource = "Dive into Deep Learning (Zhang, Lipton, Li, Smola; d2l.ai), “Concise Implementation "
        + "of Softmax Regression” (§3.7 of the MXNet editions, where the 83.7% is reported; §4.5 of the 2023 edition)"
    /// The book's rule of thumb for the arguments FP32 `exp` can take without trouble.
    public static let bookExpRangeFP32 = (-90.0, 90.0)
}
