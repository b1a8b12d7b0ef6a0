import Foundation
import IAACore
import IAAMetadata
import IAAModels

/// The learned and classical models the scorer runs, loaded once (weights verified by SHA-256)
/// and shared by every photo of a batch.
public final class ScoringModels: @unchecked Sendable {
    public let nima: NIMA
    public let brisque: Brisque
    public let niqe: Niqe
    public let faces: YuNet
    public let scene: EfficientNetLite0

    public init(nima: NIMA, brisque: Brisque, niqe: Niqe, faces: YuNet, scene: EfficientNetLite0) {
        self.nima = nima
        self.brisque = brisque
        self.niqe = niqe
        self.faces = faces
        self.scene = scene
    }

    /// Loads every model from the Weights folder (see `WeightsLocator`).
    public static func load() throws -> ScoringModels {
        ScoringModels(nima: try NIMA.load(), brisque: try Brisque.load(), niqe: try Niqe.load(), faces: try YuNet.load(),
                      scene: try EfficientNetLite0.load())
    }

    /// Names and versions for the metadata record (registry name + first 12 hex digits of the
    /// weights' SHA-256, which changes whenever the weights do) and the factor set's version.
    public var modelInfo: [ModelInfo] {
        [NIMA.entry, Brisque.entry, Niqe.entry, YuNet.entry, EfficientNetLite0.entry].map {
            ModelInfo(name: $0.name, version: String($0.sha256.prefix(12)))
        } + [ModelInfo(name: "iaa-factors", version: PhotoScorer.factorsVersion)]
    }
}
