/// The ITU-T F.740.4 (09/2023) aesthetic attributes the classical factors annotate. The raw
/// value is the property name the project writes (`iaa:<rawValue>`), see aesthetic-metadata.md.
public enum AestheticAttribute: String, Sendable, Hashable, Codable, CaseIterable {
    case composition = "Composition"
    case colour = "Colour"
    case cameraAngle = "CameraAngle"
    case lightAndShadow = "LightAndShadow"
    case sharpness = "Sharpness"
    case exposure = "Exposure"
    case whiteBalance = "WhiteBalance"
    case saturation = "Saturation"
    case noisiness = "Noisiness"
    case artifact = "Artifact"
    case focus = "Focus"

    /// The integer levels the standard defines.
    public var levels: ClosedRange<Int> {
        switch self {
        case .sharpness, .exposure, .whiteBalance, .saturation: return 1...5
        default: return 1...3
        }
    }

    /// The level the standard calls normal (no fault): 2 on the photographer 1–3 scales,
    /// 3 on the camera scales.
    public var normalLevel: Int {
        switch self {
        case .composition, .colour, .cameraAngle, .lightAndShadow: return 2
        default: return 3
        }
    }

    /// True when `level` names a fault (below normal, or either side of a two-sided scale).
    public func isFault(_ level: Int) -> Bool {
        switch self {
        case .exposure, .whiteBalance, .saturation: return level != 3
        default: return level < normalLevel
        }
    }

    /// The standard's wording for each level, English and Simplified Chinese.
    public func label(_ level: Int) -> (english: String, chinese: String) {
        let i = max(levels.lowerBound, min(levels.upperBound, level)) - 1
        switch self {
        case .composition, .colour, .cameraAngle, .lightAndShadow:
            return [("inappropriate", "不恰当"), ("normal", "一般"), ("appropriate", "恰当")][i]
        case .sharpness:
            return [("severely blurred", "严重模糊"), ("slightly blurred", "轻微模糊"), ("normal", "正常"),
                    ("sharp", "清晰"), ("extremely sharp", "非常清晰")][i]
        case .exposure:
            return [("severely under-exposed", "严重欠曝"), ("slightly under-exposed", "轻微欠曝"), ("normal", "正常"),
                    ("slightly over-exposed", "轻微过曝"), ("severely over-exposed", "严重过曝")][i]
        case .whiteBalance:
            return [("too warm", "过暖"), ("warm", "偏暖"), ("normal", "正常"), ("cold", "偏冷"), ("too cold", "过冷")][i]
        case .saturation:
            return [("too dim", "过于暗淡"), ("dim", "偏淡"), ("normal", "正常"), ("vivid", "偏艳"), ("too vivid", "过于艳丽")][i]
        case .noisiness, .artifact:
            return [("severe", "严重"), ("slight", "轻微"), ("none", "无")][i]
        case .focus:
            return [("severely defocused", "严重失焦"), ("slightly defocused", "轻微失焦"), ("normal", "正常")][i]
        }
    }
}

/// An F.740.4 level of one attribute.
public struct AttributeLevel: Sendable, Hashable, Codable {
    public var attribute: AestheticAttribute
    /// Integer level within `attribute.levels`.
    public var value: Int
    public init(attribute: AestheticAttribute, value: Int) {
        self.attribute = attribute
        self.value = max(attribute.levels.lowerBound, min(attribute.levels.upperBound, value))
    }
    public var isFault: Bool { attribute.isFault(value) }
    public var label: String { attribute.label(value).english }
}

/// Maps a value onto ordered levels by thresholds: `thresholds[i]` is the upper bound of
/// level `first + i` (the last level has no upper bound).
func levelFor(_ value: Double, thresholds: [Double], first: Int = 1) -> Int {
    for (i, t) in thresholds.enumerated() where value < t { return first + i }
    return first + thresholds.count
}
