import DataFiles
import SoftFloat
import TrainingArithmetic

/// How the loss is computed from the logits.
public enum LossFunction: String, Sendable, CaseIterable {
    /// `log Σ exp(z − max z) − (z_y − max z)`: no overflow, no log of zero.
    case logSumExp = "logsumexp"
    /// `−log(exp(z_y) / Σ exp(z))`, softmax first and then the log, as a textbook writes
    /// it: overflows and underflows where the logits leave `exp`'s range.
    case naive

    public init?(name: String) {
        switch name.lowercased() {
        case "logsumexp", "log-sum-exp", "lse", "stable": self = .logSumExp
        case "naive": self = .naive
        default: return nil
        }
    }
}
