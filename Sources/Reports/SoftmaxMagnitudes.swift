import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training
import TrainingArithmetic

/// The magnitudes softmax regression computes with, measured on a trained model:
/// pixels, weights, logits, probabilities, gradients and updates. A format must hold
/// these to train without underflow or overflow.
///
///     let quantities = SoftmaxMagnitudes.measure(train: data.train, weights: w, bias: b,
///                                                initialWeights: w0, learningRate: 0.1, batches: 10)
///     quantities[0].name     // "pixel values x"
///
/// The logits, probabilities, gradients and updates come from the trainer's own
/// `SoftmaxRegression` computations run in fp64 (hardware `Double`), so they are what the
/// model computes, in the model's order of operations.
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
            let total = sum(round) { m, r in r.isFinite ? min(1, abs(r - m) / m) : 1 }
            return total / Double(magnitudes.count)
        }

        /// The error of storing the quantity as a whole: `Σ |round(m) − m| / Σ m`, each term
        /// capped at m (a value lost to zero, infinity or NaN contributes m). Small values
        /// weigh in proportion to their size, as they do in sums and dot products.
        public func weightedRelativeError(_ round: (Double) -> Double) -> Double {
            guard !magnitudes.isEmpty else { return .nan }
            let error = sum(round) { m, r in r.isFinite ? min(m, abs(r - m)) : m }
            var total = 0.0
            for m in magnitudes { total += m }
            return error / total
        }

        /// `Σ term(m, round(m))` over the magnitudes in order, each of the first 4,096
        /// distinct values rounded once (magnitudes repeat: pixels take 256 values).
        func sum(_ round: (Double) -> Double, _ term: (Double, Double) -> Double) -> Double {
            var total = 0.0
            var cache: [Double: Double] = [:]
            for m in magnitudes {
                if let known = cache[m] {
                    total += known
                } else {
                    let t = term(m, round(m))
                    if cache.count < 4096 { cache[m] = t }
                    total += t
                }
            }
            return total
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

    /// Every quantity, over the first `batches × batchSize` training examples, taken one
    /// batch after the other: each example's logits, softmax probabilities and logit
    /// gradient, then each batch's weight gradient and the steps lr·g it makes, all by
    /// `SoftmaxRegression` in fp64 from `weights` and `bias`.
    public static func measure(train: Dataset, weights: [Double], bias: [Double], initialWeights: [Double],
                               learningRate: Double, batchSize: Int = 256, batches: Int = 10) -> [Quantity] {
        let fp64 = FastArithmetic<Double>(format: .fp64)!
        let model = SoftmaxRegression(inputs: train.dimension, classes: train.classes)
        let d = model.inputs, c = model.classes
        let count = min(train.count, batches * batchSize)
        var events = NumericalEvents()
        let rows = FeatureRows(train.prefix(count), in: fp64, events: &events)
        let parameters = WorkBuffer(weights + bias)
        let w = parameters.pointer
        let z = WorkBuffer(repeating: fp64.zero, count: c)
        let batch = WorkBuffer(repeating: 0, count: batchSize)
        let dz = WorkBuffer(repeating: fp64.zero, count: batchSize * c)
        let dzFinite = WorkBuffer(repeating: true, count: batchSize)
        let gradient = WorkBuffer(repeating: fp64.zero, count: d * c)
        let envs = WorkBuffer(repeating: FloatEnvironment(), count: d)
        var env = FloatEnvironment()
        let size = fp64.fromDouble(Double(batchSize), &env), lr = fp64.fromDouble(learningRate, &env)
        let pixels = rows.values.array
        var logits: [Double] = [], probabilities: [Double] = [], logitGradients: [Double] = []
        var weightGradients: [Double] = [], updates: [Double] = []
        for first in stride(from: 0, to: count, by: batchSize) {
            let examples = min(batchSize, count - first)
            for b in 0..<examples {
                let i = first + b, y = Int(train.labels[i])
                let p = dz.pointer + b * c
                batch[b] = i
                _ = model.logits(fp64, rows: rows, example: i, weights: w, bias: w + d * c, into: z.pointer,
                                 skippingZeros: true, &env)
                logits += z.array
                _ = model.crossEntropy(fp64, .logSumExp, logits: z.pointer, label: y, probabilities: p, &env, &events)
                probabilities += UnsafeBufferPointer(start: p, count: c)
                model.logitGradient(fp64, probabilities: p, label: y, lossScale: nil, batchSize: size, &env, &events)
                logitGradients += UnsafeBufferPointer(start: p, count: c)
            }
            _ = model.weightGradient(fp64, rows: rows, batch: batch.pointer, count: examples, dz: dz.pointer,
                                     dzIsFinite: dzFinite.pointer, range: 0..<d, into: gradient.pointer,
                                     skippingZeros: true, envs: envs.pointer)
            weightGradients += gradient.array
            updates += gradient.array.map { g in
                model.step(fp64, weight: fp64.zero, gradient: g, learningRate: lr, decay: nil, unscale: nil,
                           &env, &events)
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
