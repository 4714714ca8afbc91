import SoftFloat
