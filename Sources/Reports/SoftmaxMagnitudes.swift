import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// The magnitudes softmax regression computes with, sampled from a trained model in
/// `Double`: pixels, weights, logits, probabilities, gradients and updates. A format must
/// hold these to train without underflow or overflow.
///
///     let quantities = SoftmaxMagnitudes.measure(train: data.train, weights: w, bias: b,
///                                                initialWeights: w0, learningRate: 0.1, batches: 10)
///     quantities[0].name     // "pixel values x"
///
/// Edge cases: zeros are left out (every format holds zero); each quantity keeps every
/// nonzero value it saw.
public enum SoftmaxMagnitudes {
    public struct Quantity: Sendable {
        public var name: String
        /// Nonzero magnitudes.
        public var magnitudes: [Double]

        public init(name: String, magnitudes: [Double]) {
            self.name = name
            self.magnitudes = magnitudes.filter { $0 != 0 && $0.isFinite }.map(\.magnitude).sorted()
        }

        /// The `q`-quantile (0…1) of the magnitudes.
        public func quantile(_ q: Double) -> Double {
            guard !magnitudes.isEmpty else { return .nan }
            let index = min(magnitudes.count - 1, max(0, Int((q * Double(magnitudes.count - 1)).rounded())))
            return magnitudes[index]
        }

        /// The mean relative error of storing the magnitudes in a format, `|round(m) − m| / m`
        /// capped at 1 (a value lost to zero, infinity or NaN counts as 1).
        public func meanRelativeError(_ round: (Double) -> Double) -> Double {
            guard !magnitudes.isEmpty else { return .nan }
            var total = 0.0
            var cache: [Double: Double] = [:]
            for m in magnitudes {
                let error: Double
                if let known = cache[m] {
                    error = known
                } else {
                    let r = round(m)
                    error = r.isFinite ? min(1, abs(r - m) / m) : 1
                    if cache.count < 4096 { cache[m] = error }
                }
                total += error
            }
            return total / Double(magnitudes.count)
        }

        /// The error of storing the quantity as a whole: `Σ |round(m) − m| / Σ m`, each term
        /// capped at m (a value lost to zero, infinity or NaN contributes m). Small values
        /// weigh in proportion to their size, as they do in sums and dot products.
        public func weightedRelativeError(_ round: (Double) -> Double) -> Double {
            guard !magnitudes.isEmpty else { return .nan }
            var error = 0.0, total = 0.0
            var cache: [Double: Double] = [:]
            for m in magnitudes {
                let e: Double
                if let known = cache[m] {
                    e = known
                } else {
                    let r = round(m)
                    e = r.isFinite ? min(m, abs(r - m)) : m
                    if cache.count < 4096 { cache[m] = e }
                }
                error += e
                total += m
            }
            return error / total
        }

        /// The fraction of the magnitudes a format's range holds.
        public func fractionHeld(by range: FormatRange) -> Double {
            guard !magnitudes.isEmpty else { return .nan }
            return Double(magnitudes.filter(range.holds).count) / Double(magnitudes.count)
        }
    }

    /// Pixel values and initial weights: what is known without training.
    public static func beforeTraining(pixels: [Double], initialWeights: [Double]) -> [Quantity] {
        [Quantity(name: "pixel values x", magnitudes: pixels),
         Quantity(name: "initial weights w₀ ~ N(0, 0.01²)", magnitudes: initialWeights)]
    }

    /// Every quantity, over the first `batches × batchSize` training examples.
    public static func measure(train: Dataset, weights: [Double], bias: [Double], initialWeights: [Double],
                               learningRate: Double, batchSize: Int = 256, batches: Int = 10) -> [Quantity] {
        let d = train.dimension, c = train.classes
        let count = min(train.count, batches * batchSize)
        var pixels: [Double] = [], logits: [Double] = [], probabilities: [Double] = []
        var logitGradients: [Double] = [], weightGradients: [Double] = [], updates: [Double] = []
        var batchGradient = [Double](repeating: 0, count: d * c)
        var x = [Double](repeating: 0, count: d)
        for i in 0..<count {
            for k in 0..<d { x[k] = train.feature(i, k) }
            pixels += x.filter { $0 != 0 }
            var z = bias
            for k in 0..<d where x[k] != 0 {
                for j in 0..<c { z[j] += x[k] * weights[k * c + j] }
            }
            logits += z
            let m = z.max() ?? 0
            let e = z.map { Foundation.exp($0 - m) }
            let s = e.reduce(0, +)
            let p = e.map { $0 / s }
            probabilities += p
            var dz = p
            dz[Int(train.labels[i])] -= 1
            for j in 0..<c { dz[j] /= Double(batchSize) }
            logitGradients += dz
            for k in 0..<d where x[k] != 0 {
                for j in 0..<c { batchGradient[k * c + j] += x[k] * dz[j] }
            }
            if (i + 1) % batchSize == 0 || i == count - 1 {
                weightGradients += batchGradient
                updates += batchGradient.map { learningRate * $0 }
                for k in batchGradient.indices { batchGradient[k] = 0 }
            }
        }
        return [
            Quantity(name: "pixel values x", magnitudes: pixels),
            Quantity(name: "initial weights w₀ ~ N(0, 0.01²)", magnitudes: initialWeights),
            Quantity(name: "trained weights w", magnitudes: weights),
            Quantity(name: "logits z", magnitudes: logits),
            Quantity(name: "probabilities p", magnitudes: probabilities),
            Quantity(name: "logit gradients (p − y)/B", magnitudes: logitGradients),
            Quantity(name: "weight gradients g (batch of \(batchSize))", magnitudes: weightGradients),
            Quantity(name: "updates lr·g", magnitudes: updates),
        ]
    }
}
