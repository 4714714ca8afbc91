import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// Figures the reports derive from a training run's per-epoch records.
extension TrainingResult {
    /// The epoch with the highest validation accuracy (the first of equals) and that accuracy.
    var peakValidation: (epoch: Int, accuracy: Double)? {
        var best: (Int, Double)?
        for r in epochs {
            guard let a = r.validationAccuracy, a.isFinite else { continue }
            if best == nil || a > best!.1 { best = (r.epoch, a) }
        }
        return best
    }

    /// The epoch with the lowest validation loss and that loss.
    var lowestValidationLoss: (epoch: Int, loss: Double)? {
        var best: (Int, Double)?
        for r in epochs {
            guard let l = r.validationLoss, l.isFinite else { continue }
            if best == nil || l < best!.1 { best = (r.epoch, l) }
        }
        return best
    }

    var finalValidationAccuracy: Double? { epochs.last?.validationAccuracy }
    var finalTrainLoss: Double? { epochs.last?.trainLoss }

    /// Every epoch's events, added.
    var totalEvents: NumericalEvents {
        var total = NumericalEvents()
        for r in epochs { total += r.events }
        return total
    }

    var totalSteps: Int { epochs.reduce(0) { $0 + $1.steps } }

    /// Swallowed updates as a share of all parameter updates made.
    var swallowedShare: Double {
        let updates = totalSteps * (weights.count + bias.count)
        return updates > 0 ? Double(totalEvents.swallowedUpdates) / Double(updates) : 0
    }

    /// Whether a loss or accuracy ever became non-finite.
    var wentNonFinite: Bool {
        firstNonFinite != nil || epochs.contains { !$0.trainLoss.isFinite }
    }

    /// Whether a loss became non-finite in the first `epoch` epochs.
    func went(nonFiniteBy epoch: Int) -> Bool {
        (firstNonFinite.map { $0.epoch <= epoch } ?? false) || epochs.prefix(epoch).contains { !$0.trainLoss.isFinite }
    }

    /// Per-epoch series for plots.
    var epochNumbers: [Double] { epochs.map { Double($0.epoch) } }
    var trainLosses: [Double] { epochs.map(\.trainLoss) }
    var validationLosses: [Double] { epochs.map { $0.validationLoss ?? .nan } }
    var trainAccuracies: [Double] { epochs.map { $0.trainAccuracy * 100 } }
    var validationAccuracies: [Double] { epochs.map { ($0.validationAccuracy ?? .nan) * 100 } }
}

/// Mean, sample standard deviation, least and largest of repeated measurements.
struct Spread {
    var values: [Double]

    var finite: [Double] { values.filter(\.isFinite) }
    var mean: Double? { finite.isEmpty ? nil : finite.reduce(0, +) / Double(finite.count) }
    var standardDeviation: Double? {
        let v = finite
        guard v.count > 1, let m = mean else { return nil }
        return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
    }
    var least: Double? { finite.min() }
    var largest: Double? { finite.max() }

    /// "82.91% ± 0.12 (82.80–83.05)" for fractions shown as percentages.
    var percentText: String {
        guard let m = mean else { return "–" }
        var text = Markdown.percent(m, 2)
        if let s = standardDeviation { text += " ± " + Markdown.fixed(s * 100, 2) }
        if finite.count < values.count { text += " (\(values.count - finite.count) non-finite)" }
        return text
    }
}
