import Foundation
import Testing
import PrecisionLabCLI
import SoftFloat

/// Every command's help is written from its option declarations: the golden help of the
/// commands whose own suites do not hold one, and checks that run over the declarations.
@Suite("command help and options")
struct CommandHelpTests {
    static func run(_ arguments: [String]) -> (status: ExitCode, out: String, err: String) {
        PrecisionLabUsageTests.run(arguments)
    }

    @Test("train, bench and report print their golden help", arguments: [
        ("train", goldenTrain), ("bench", goldenBench), ("report", goldenReport),
    ])
    func goldenHelp(command: String, golden: String) {
        let (status, out, err) = Self.run([command, "--help"])
        #expect(status == .success)
        #expect(err.isEmpty)
        #expect(out == golden + "\n")
    }

    /// The lines of the list under `options:` that name an option, by their first word.
    static func listedOptions(_ usage: String) -> [String] {
        usage.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { $0 != "options:" }.dropFirst()
            .prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  -") }
            .map { String($0.dropFirst(2).prefix { $0 != " " }) }
    }

    @Test("help lists exactly the declared options, in order, each with its label")
    func helpListsEveryDeclaredOption() {
        for type in PrecisionLab.subcommands {
            let visible = type.optionSpecs.filter { !$0.isHidden }
            #expect(Self.listedOptions(type.usage) == visible.map(\.name), "\(type.name)")
            let lines = type.usage.split(separator: "\n").map(String.init)
            for spec in visible {
                #expect(lines.contains { $0.hasPrefix("  " + spec.label + " ") }, "\(type.name) \(spec.label)")
            }
        }
    }

    /// Words that complete a command line whose options are fine: the operand, part or
    /// function the command needs.
    static func arguments(of command: String) -> [String] {
        switch command {
        case "calc": return ["1"]
        case "bench": return ["ops"]
        case "verify": return ["f32_add"]
        default: return []
        }
    }

    @Test("the parser accepts every spelling of every declared option")
    func parserAcceptsEveryDeclaredOption() {
        for type in PrecisionLab.subcommands {
            for spec in type.optionSpecs {
                for spelling in spec.spellings {
                    // Two characters: Foundation traps on the last path component of a one-character path.
                    let words = [spelling] + (spec.takesValue ? ["10"] : []) + Self.arguments(of: type.name)
                    do {
                        _ = try type.parse(words)
                    } catch let error as UsageError {
                        // A value the option refuses is fine; an option the parser does not know is not.
                        for refusal in ["unknown option", "unexpected argument", "needs a value"] {
                            #expect(!error.message.contains(refusal), "\(type.name) \(words): \(error.message)")
                        }
                    } catch {
                        Issue.record("\(type.name) \(words): \(error)")
                    }
                }
            }
        }
    }

    @Test("a value after a space or an equals sign; a flag alone; a repeated option still refused")
    func valueSpellings() throws {
        #expect(try ExpRangeCommand.parse(["--formats", "bf16"]).formatNames == ["bf16"])
        #expect(try ExpRangeCommand.parse(["--formats=bf16,fp16"]).formatNames == ["bf16", "fp16"])
        #expect(try ExpRangeCommand.parse(["--saturate"]).options.saturates)
        #expect(throws: UsageError("unknown option '--saturate=yes'")) { try ExpRangeCommand.parse(["--saturate=yes"]) }
        #expect(throws: UsageError("option --formats needs a value")) { try ExpRangeCommand.parse(["--formats"]) }
        #expect(throws: UsageError("option --formats is given more than once")) {
            try ExpRangeCommand.parse(["--formats", "bf16", "--formats", "fp16"])
        }
    }

    @Test("verify reads left to right, as TestFloat: the last spelling wins")
    func verifyReadsInOrder() throws {
        #expect(try VerifyCommand.parse(["f32_add", "-rminMag", "--rounding=max"]).rounding == .up)
        #expect(try VerifyCommand.parse(["--rounding", "max", "f32_add", "-rminMag"]).rounding == .towardZero)
        #expect(try VerifyCommand.parse(["-exact", "f32_add"]).exact)
        #expect(try !VerifyCommand.parse(["--exact", "f32_add", "-notexact"]).exact)
        #expect(try VerifyCommand.parse(["f32_add", "-tininessbefore"]).tininess == .beforeRounding)
    }

    @Test("exp-range --format json keeps its layout: sorted keys, ' : ', empty lists on two lines, 90 not 90.0")
    func expRangeJSONLayout() {
        let (status, out, _) = Self.run(["exp-range", "--formats", "int8", "--format", "json"])
        #expect(status == .success)
        #expect(out.hasPrefix(Self.goldenInt8JSONStart + "\n"))
        #expect(out.hasSuffix("    \"high\" : 90,\n    \"low\" : -90\n  }\n}\n"))
    }

    /// The start of `exp-range --formats int8 --format json`: int8 has no neighbour beyond
    /// its zero bound, so that key is absent.
    static let goldenInt8JSONStart = """
        {
          "options" : {
            "rounding" : "nearestEven",
            "saturates" : false,
            "subnormals" : true
          },
          "rows" : [
            {
              "entries" : [
                {
                  "beyondRange" : false,
                  "bound" : {
                    "argument" : "5.0",
                    "argumentBits" : "0x05",
                    "flags" : [

                    ],
                    "result" : "148.0",
                    "resultBits" : "0x94"
                  },
                  "event" : "overflow",
                  "neighbour" : {
                    "argument" : "6.0",
                    "argumentBits" : "0x06",
                    "flags" : [
                      "overflow"
                    ],
                    "result" : "255.0",
                    "resultBits" : "0xFF"
                  },
                  "threshold" : {
                    "decimal" : "5.543222409643759124780",
                    "definition" : "ln(255.5)",
                    "value" : 5.543222409643759
                  }
                },
                {
                  "beyondRange" : true,
                  "bound" : {
                    "argument" : "0.0",
                    "argumentBits" : "0x00",
                    "flags" : [

                    ],
                    "result" : "1.0",
                    "resultBits" : "0x01"
                  },
                  "event" : "zero",
                  "threshold" : {
                    "decimal" : "-0.6931471805599453094172",
                    "definition" : "ln(0.5)",
                    "value" : -0.6931471805599453
                  }
                }
              ],
              "format" : "int8"
            }
          ],
        """

    static let goldenTrain = """
        usage: precision-lab train [--format F] [options]

        Trains softmax regression (784 -> 10, cross-entropy, minibatch SGD) on Fashion-MNIST
        with every arithmetic operation rounded to one number format, and prints per epoch
        the training and validation loss and accuracy, the time, and the numerical events
        (overflows, underflows to zero, NaNs, updates swallowed by rounding); then the test
        accuracy. The same seed gives the same bits, whatever the number of threads.

        options:
          --format F             fp64, fp32, tf32, bf16, fp16, fp8-e5m2, fp8-e4m3 or eXmY (default fp32);
                                 ml_dtypes' types (float8_e4m3fnuz, float4_e2m1fn, ... or fp8-e4m3fnuz,
                                 fp4-e2m1, ...) and P3109's binary8p1 ... binary8p7 (the soft path);
                                 lns8, lns8-fN (8-bit logarithmic), int8, int8s, int8-sN (linear INT8);
                                 scaled (the products' operands quantised, the rest in --rest):
                                 mxfp8-e4m3, mxfp8-e5m2, mxfp6-e2m3, mxfp6-e3m2, mxfp4-e2m1, mxint8,
                                 nvfp4, tensor-int8, tensor-int8-pow2, tensor-fp8-e4m3, tensor-fp8-e5m2
          --epochs N             epochs, 0 to 100000 (default 10)
          --lr X                 learning rate (default 0.1)
          --lr-schedule S        constant (default); step: lr/10 after half the epochs and lr/100
                                 after three quarters; cosine: lr (1 + cos(pi (e-1)/E)) / 2 in epoch e
          --batch N              minibatch size, at most the training set (default 256)
          --seed N               seed of the initial weights, the validation split, the shuffles and
                                 stochastic rounding (default 0)
          --no-shuffle           visit the training images in the same order every epoch
          --step-losses N        keep the mean loss of each of the first N minibatches (in --json)
          --threads N            worker threads, 1 to 256 (default: all cores)
          --data DIR             folder with the four IDX files (default: $PRECISION_LAB_DATA, else
                                 /usr/share/datasets/fashion-mnist, which
                                 `apt-get install dataset-fashion-mnist` fills)
          --validation N|test    hold out N training images for validation (default 5000; 0: none),
                                 or validate on the test set as the book does
          --train-limit N        train on the first N training images only (quick runs)
          --loss logsumexp|naive cross-entropy from the logits with log-sum-exp (default), or
                                 softmax then log, to see it fail
          --accumulate F         accumulate dot products in format F (e.g. fp32, like tensor cores)
          --master-weights F     keep the weights in format F and update them there
          --rounding MODE        rounding of every operation: nearest-even (default), nearest-away,
                                 toward-zero, up, down, odd (truncate, then set the last bit if
                                 inexact), stochastic
          --stochastic-update    round the weight update stochastically (the rest as --rounding)
          --loss-scale S         multiply the loss by S before the backward pass, divide the gradients
                                 by S before the update (fp16)
          --weight-decay L       L2 penalty on the weights (default 0)
          --patience N           stop when the validation loss has not improved for N epochs, and keep
                                 the best epoch's parameters
          --rest F               scaled formats: softmax, loss and step in format F (default fp32)
          --scale-rule RULE      MX formats: the shared scale, floor (the specification's, default),
                                 ceiling (never clips) or nearest
          --amax-history N       per-tensor formats: delayed scaling, each operand scaled by the largest
                                 amax of its last N steps (default: current scaling)
          --arithmetic PATH      automatic (default: hardware with exact rounding where that is exact),
                                 fast, or soft (integer soft-float)
          --json FILE            write every figure as JSON (keys include "epochs" and "test_accuracy")
        """

    static let goldenBench = """
        usage: precision-lab bench ops [--seconds S] [--formats LIST] [--json FILE]
               precision-lab bench round [--seconds S] [--formats LIST] [--threads N]
                                         [--elements N] [--json FILE]
               precision-lab bench train [--epochs N] [--configs LIST] [--formats LIST]
                                         [--threads N] [--data DIR] [--train-limit N]
                                         [--json FILE]

        Measures speed and prints each figure next to the hardware's own figure for the
        same work, measured in the same run. Time is the thread's CPU time on one thread
        and the wall clock on several; other processes disturb both: read the ratios.

        parts:
          ops    operations per second of the soft path (the integer implementation of
                 every format) for add, mul, div, sqrt and mulAdd, single-threaded,
                 rounding to nearest-even, next to the same loop in hardware Float (or
                 Double, for formats Float cannot hold) and the ratio; lns8: mul, add
                 (table and Mitchell) and conversion beside Float
          round  elements per second rounding arrays of Float and Double to each format
                 (nearest-even, toward zero, stochastic), on one core and on all cores,
                 next to a plain copy and the hardware's Float16 conversion
          train  seconds per epoch of softmax regression on Fashion-MNIST (batch 256,
                 lr 0.1, validation each epoch) per format and policy, the ratio to
                 hardware fp32 and the fraction of the measured multiply-add peak;
                 then where each configuration's time goes (phases per epoch, and
                 the cost of rounding and of random bits, by difference)

        options:
          --seconds S       time of each measurement (default 0.3; round: 0.1)
          --formats LIST    comma-separated formats (ops default fp16,bf16,tf32,fp32,
                            fp64,lns8; round default bf16,fp16,tf32,fp8-e5m2,fp8-e4m3,
                            fp32; train: keep the configurations in these formats)
          --threads N       threads of the all-cores figures, 1 to 256
                            (default: all cores)
          --elements N      round: each thread's array length, 1 to 2^24 (default 16384)
          --epochs N        train: epochs per configuration, 1 to 100000 (default 2)
          --configs LIST    train: configurations by name (default: all), e.g.
                            fp32,bf16,bf16+acc-fp32,fp16+master-fp32,bf16+stochastic,
                            fp16+loss-scale
          --data DIR        train: folder with the Fashion-MNIST IDX files (as train)
          --train-limit N   train: train on the first N training images only
          --json FILE       also write the figures as JSON

        Exit status: 0 success, 1 failure (cannot write the JSON file, no data),
        64 bad usage.
        """

    static let goldenReport = """
        usage: precision-lab report [--out DIR] [--quick] [--only NAME[,NAME...]] [--data DIR] [--seed N]
               precision-lab report [--shard I/N] [--out DIR] [--quick] [--only NAME[,NAME...]] [--data DIR] [--seed N]
               precision-lab report [--merge DIR[,DIR...]] [--out DIR] [--quick] [--only NAME[,NAME...]] [--data DIR] [--seed N]

        Runs the measurements behind each exercise and writes, into DIR (default Reports):
        README.md (the index: each exercise, its answer, a link), exp-range.md, int8-range.md,
        epochs.md, learning-rates.md, formats.md, softmax-stability.md, and their figures in
        DIR/figures. Every file is written atomically. Progress goes to standard error.

        To spread the training runs over machines (a Slurm job array, GNU parallel), run
        `--shard I/N` for I = 1 to N with the same other options: each trains a fixed Nth of
        the runs the reports need and writes each result to DIR/shards as a JSON file, and no
        report. Then `--merge DIR/shards` (folders of results, comma-separated) writes the
        reports from the results, the same as one run would, measured times aside; it trains
        nothing, and stops naming the runs missing if any are.

        options:
          --out DIR          output folder (default Reports)
          --quick            small, fast sweeps (a 2,000-image subset, 1-2 epochs, few formats):
                             for tests, not for conclusions
          --only NAMES       only these reports (comma-separated): exp-range, int8-range, epochs, learning-rates, formats, softmax-stability
          --data DIR         folder with the Fashion-MNIST IDX files (default: $PRECISION_LAB_DATA,
                             else /usr/share/datasets/fashion-mnist)
          --seed N           seed of every run (default 0)
          --shard I/N        train shard I of N of the runs, into DIR/shards; no reports
          --merge DIRS       write the reports from these folders of shard results (comma-separated)
          --threads N        runs or threads at once, 1 to 256 (default: all cores)
        """
}
