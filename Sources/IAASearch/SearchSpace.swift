import IAACore
import IAAEdits

/// A point in the edit search space: parameter values by qualified id (`exposure.ev`), only
/// those that differ from identity. Hashable, so the search never judges one point twice.
public struct SearchPoint: Sendable, Hashable, CustomStringConvertible {
    /// Non-identity values, rounded as the recipe encoding writes them.
    public private(set) var values: [String: Double]

    /// No edit.
    public static let identity = SearchPoint(values: [:])

    /// A point from values; entries equal to the parameter's identity value are dropped.
    public init(values: [String: Double]) {
        var v: [String: Double] = [:]
        for (k, x) in values {
            let r = CanonicalJSON.rounded(x)
            if r != SearchSpace.defaults[k] { v[k] = r }
        }
        self.values = v
    }

    /// The value of parameter `id` (its identity value when unset).
    public subscript(id: String) -> Double {
        values[id] ?? SearchSpace.defaults[id] ?? 0
    }

    /// This point with `id` set to `value`.
    public func setting(_ id: String, _ value: Double) -> SearchPoint {
        var v = values
        v[id] = value
        return SearchPoint(values: v)
    }

    /// This point with every parameter of `kind` back at identity.
    public func removing(_ kind: EditKind) -> SearchPoint {
        SearchPoint(values: values.filter { !$0.key.hasPrefix(kind.rawValue + ".") })
    }

    /// The edit chain: one edit per kind that has a value, in canonical order.
    public func chain() throws -> EditChain {
        var edits: [any Edit] = []
        for kind in EditKind.allCases where kind != .look {
            let prefix = kind.rawValue + "."
            let mine = values.filter { $0.key.hasPrefix(prefix) }
            if mine.isEmpty { continue }
            edits.append(Self.make(kind.type, mine))
        }
        return try EditChain(edits)
    }

    /// Reads the numeric parameters of a chain back into a point.
    public init(chain: EditChain) {
        var v: [String: Double] = [:]
        for e in chain.edits {
            if case .object(let fields)? = try? e.base.jsonParams() {
                for (k, x) in fields { if let n = x.number { v["\(e.kind.rawValue).\(k)"] = n } }
            }
        }
        self.init(values: v)
    }

    private static func make<E: Edit>(_ type: E.Type, _ values: [String: Double]) -> E {
        var p = E.identity
        for spec in E.parameters {
            if let v = values["\(E.kind.rawValue).\(spec.name)"] { p[keyPath: spec.keyPath] = v }
        }
        return E(p)
    }

    /// The kinds of edit this point changes.
    public var kinds: Set<EditKind> {
        Set(values.keys.compactMap { EditKind(rawValue: String($0.split(separator: ".")[0])) })
    }

    /// `exposure.ev=0.5 whiteBalance.temperature=-12`, sorted.
    public var description: String {
        values.isEmpty ? "identity" : values.keys.sorted().map { "\($0)=\(CanonicalJSON.format(values[$0]!))" }.joined(separator: " ")
    }
}

/// The dimensions a search moves along: the preset's ranges, without geometry when the user
/// turned it off.
public struct SearchSpace: Sendable {
    /// Identity value of every numeric edit parameter, by qualified id (from the tables).
    public static let defaults: [String: Double] = Dictionary(
        uniqueKeysWithValues: EditKind.allCases.flatMap { $0.type.parameterInfo }.map { ($0.id, $0.defaultValue) })

    /// The searchable parameters, in canonical edit order.
    public let dimensions: [Preset.SearchDimension]

    /// - Parameter geometry: false drops straighten and crop (the output keeps the input's size).
    public init(preset: Preset, geometry: Bool) {
        dimensions = preset.searchSpace.filter { d in
            let kind = d.parameter.id.split(separator: ".")[0]
            if kind == EditKind.look.rawValue { return false }  // non-numeric look id: not searched
            if !geometry && (kind == EditKind.crop.rawValue || kind == EditKind.straighten.rawValue) { return false }
            return true
        }
    }

    /// Bounds of `id`, if searchable.
    public func bounds(_ id: String) -> Preset.Bounds? { dimensions.first { $0.parameter.id == id }?.bounds }

    /// `point` with every value clamped into its bounds; parameters outside the space are dropped.
    public func clamp(_ point: SearchPoint) -> SearchPoint {
        var v: [String: Double] = [:]
        for (k, x) in point.values {
            guard let b = bounds(k) else { continue }
            v[k] = min(b.max, max(b.min, x))
        }
        // The crop box must stay inside the frame (CropEdit's relation): move its origin back.
        for (o, size) in [("crop.x", "crop.width"), ("crop.y", "crop.height")] {
            let extent = v[size] ?? 1
            if let origin = v[o], origin + extent > 1 { v[o] = max(0, 1 - extent) }
        }
        return SearchPoint(values: v)
    }
}
