import SoftFloat
public enum PrecisionLab { public static func main() {} }
