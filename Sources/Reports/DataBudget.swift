/// How much of Fashion-MNIST a training run of a report uses, as `precision-lab train`
/// splits it: `validationCount` images of the 60,000 training images are held out with
/// the run's seed, then the first `trainLimit` of the rest (all of them when nil) are
/// trained on; the 10,000 test images are evaluated at the end.
///
///     DataBudget.full     // 5,000 validation images, 55,000 trained
///     DataBudget.quick    // 500 validation images, 2,000 trained (`report --quick`)
public struct DataBudget: Sendable, Equatable {
    public var validationCount: Int
    public var trainLimit: Int?

    public static let full = DataBudget(validationCount: 5000, trainLimit: nil)
    public static let quick = DataBudget(validationCount: 500, trainLimit: 2000)

    /// The number of images trained on in each epoch.
    var trainedCount: Int { trainLimit ?? (60_000 - validationCount) }
}

extension ReportContext {
    /// The data budget of this run of the reports: `quick` or `full`.
    var dataBudget: DataBudget { quick ? .quick : .full }
}
