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

    /// The edit chain: one edit per kind that has a value, in canonical order. `look` names the
    /// look that `look.amount` grades with (a point holds numbers only; without a look id the
    /// amount is ignored).
    public func chain(look: String? = nil) throws -> EditChain {
        var edits: [any Edit] = []
        for kind in EditKind.allCases {
            let prefix = kind.rawValue + "."
            let mine = values.filter { $0.key.hasPrefix(prefix) }
            if mine.isEmpty { continue }
            if kind == .look {
                if let look, let amount = mine["look.amount"] { edits.append(LookEdit(.init(look: look, amount: amount))) }
                continue
            }
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

    /// The stages (geometry, point, detail) of the edits whose parameters differ from `other`'s.
    public func stages(differingFrom other: SearchPoint = .identity) -> Set<EditKind.Stage> {
        Set(Set(values.keys).union(other.values.keys).filter { self[$0] != other[$0] }
            .compactMap { EditKind(rawValue: String($0.split(separator: ".")[0]))?.stage })
    }

    /// `exposure.ev=0.5 whiteBalance.temperature=-12`, sorted.
    public var description: String {
        values.isEmpty ? "identity" : values.keys.sorted().map { "\($0)=\(CanonicalJSON.format(values[$0]!))" }.joined(separator: " ")
    }
}

/// The dimensions a search moves along: the preset's ranges, without geometry when the user
/// turned it off.
public struct SearchSpace: Sendable {
    /// Identity value of every numeric edit parameter, by qualified id (from the tables). A
    /// look's amount is the exception: its table default (1, "as designed") is what a named
    /// look gets, but the identity of a point is no look at all, amount 0.
    public static let defaults: [String: Double] = {
        var d = Dictionary(uniqueKeysWithValues: EditKind.allCases.flatMap { $0.type.parameterInfo }.map { ($0.id, $0.defaultValue) })
        d["look.amount"] = 0
        return d
    }()

    /// The searchable parameters, in canonical edit order.
    public let dimensions: [Preset.SearchDimension]
    /// The preset's look (what `look.amount` grades with), if any.
    public let look: String?
    /// The preset's style as a point: its style values and its look at `amount.max`.
    public let style: SearchPoint
    /// Bounds of every parameter the space knows, searchable or fixed (a look whose amount
    /// range is one value is fixed, but the style still sets it).
    private let allBounds: [String: Preset.Bounds]

    /// - Parameter geometry: false drops straighten and crop (the output keeps the input's size).
    public init(preset: Preset, geometry: Bool) {
        func allowed(_ id: String) -> Bool {
            let kind = id.split(separator: ".")[0]
            return geometry || (kind != EditKind.crop.rawValue && kind != EditKind.straighten.rawValue)
        }
        var dims = preset.searchSpace.filter { allowed($0.parameter.id) && $0.parameter.id != "look.amount" }
        var bounds = Dictionary(uniqueKeysWithValues: dims.map { ($0.parameter.id, $0.bounds) })
        var styleValues = preset.style.filter { allowed($0.key) }
        // A style value outside the preset's search range still stands (it is what was asked for).
        for (k, v) in styleValues {
            let d = SearchSpace.defaults[k] ?? 0
            let b = bounds[k] ?? Preset.Bounds(min: d, max: d)
            bounds[k] = Preset.Bounds(min: min(b.min, v), max: max(b.max, v))
        }
        if let l = preset.look, l.amount.max > 0 {
            bounds["look.amount"] = l.amount
            styleValues["look.amount"] = l.amount.max
            if l.amount.min < l.amount.max, let info = LookEdit.parameterInfo.first {
                dims.append(Preset.SearchDimension(parameter: info, bounds: l.amount))
            }
        }
        dimensions = dims
        look = preset.look?.id
        allBounds = bounds
        style = SearchPoint(values: styleValues)
    }

    /// The chain of `point` with this space's look.
    public func chain(_ point: SearchPoint) throws -> EditChain { try point.chain(look: look) }

    /// Bounds of `id`, if the space may set it (searchable, or fixed by the style).
    public func bounds(_ id: String) -> Preset.Bounds? { allBounds[id] }

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
