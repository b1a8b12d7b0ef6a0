import Foundation
import IAACore

/// What the tone, colour and layout factors read per pixel, from one pass over the image:
/// L*, C* and the luminance Y (the values of `AnalysisContext.lab` and `.luminance`), the whole
/// degree of hue the colour wheel bins by, and the mean L*, a*, b* of every cell of the saliency
/// grid (what the saliency cues and the composition's symmetry used to area-average from full
/// planes). a*, b* and the hue angle are not stored: no factor reads them per pixel.
struct ToneChannels: Sendable {
    /// CIELab L* (0…100).
    let L: [Float]
    /// LCh chroma C*.
    let chroma: [Float]
    /// Relative luminance Y (0…1, linear).
    let y: [Float]
    /// ⌊LCh hue°⌋, 0…359.
    let hueBin: [UInt16]
    /// Mean L*, a*, b* per cell of `grid` (row-major, `grid.width`×`grid.height`), nil when the
    /// grid's cells do not tile the image (images below 64 px on the long side).
    let cells: (L: [Float], a: [Float], b: [Float])?
    let grid: (width: Int, height: Int)

    init(_ img: RGBImage) {
        let w = img.width, h = img.height, n = w * h
        let g = Saliency.grid(width: w, height: h)
        grid = (g.width, g.height)
        // Cell spans exactly as `Planes.resizeArea` draws them; they tile [0, last span's end)
        // when the grid is not larger than the image, and then summing each pixel into its cell
        // in raster order adds each cell's values in resizeArea's own order.
        let spans = Planes.areaSpans(w, h, to: g.width, g.height)
        let tiles = w >= g.width && h >= g.height
        let eightWide = tiles && spans.x.enumerated().allSatisfy { $0.element == (8 * $0.offset, 8 * $0.offset + 8) }
        var cellX = [Int32](repeating: -1, count: w), cellY = [Int32](repeating: -1, count: h)
        if tiles {
            for ox in 0..<g.width { for x in spans.x[ox].0..<spans.x[ox].1 { cellX[x] = Int32(ox) } }
            for oy in 0..<g.height { for y in spans.y[oy].0..<spans.y[oy].1 { cellY[y] = Int32(oy) } }
        }
        let nc = g.width * g.height
        var sumL = [Float](repeating: 0, count: tiles ? nc : 0), sumA = sumL, sumB = sumL
        // Every pixel of these is written below.
        var L: [Float] = uninitializedPlane(n), C: [Float] = uninitializedPlane(n), Y: [Float] = uninitializedPlane(n)
        var bins: [UInt16] = uninitializedPlane(n)
        let rowA = UnsafeMutablePointer<Float>.allocate(capacity: w + 8), rowB = UnsafeMutablePointer<Float>.allocate(capacity: w + 8)
        defer { rowA.deallocate(); rowB.deallocate() }
        var pad = [UInt8](repeating: 0, count: 24)
        ColorSpace.linearLUT.withUnsafeBufferPointer { lutb in ColorSpace.fTable.withUnsafeBufferPointer { tb in
        img.pixels.withUnsafeBufferPointer { pb in pad.withUnsafeMutableBufferPointer { padb in
        L.withUnsafeMutableBufferPointer { Lb in C.withUnsafeMutableBufferPointer { Cb in Y.withUnsafeMutableBufferPointer { Yb in
        bins.withUnsafeMutableBufferPointer { hb in
        sumL.withUnsafeMutableBufferPointer { sL in sumA.withUnsafeMutableBufferPointer { sA in sumB.withUnsafeMutableBufferPointer { sB in
            let lut = lutb.baseAddress!, table = tb.baseAddress!
            for yy in 0..<h {
                let row = yy * w
                var x = 0
                while x < w {
                    // The last partial group of eight runs on a zero-padded copy.
                    let m = min(8, w - x)
                    let src: UnsafePointer<UInt8>
                    if m == 8 { src = pb.baseAddress! + 3 * (row + x) } else {
                        for k in 0..<24 { padb[k] = k < 3 * m ? pb[3 * (row + x) + k] : 0 }
                        src = UnsafePointer(padb.baseAddress!)
                    }
                    let lab = ColorSpace.lab8(src, lut, table)
                    let c = (lab.a * lab.a + lab.b * lab.b).squareRoot()
                    // ⌊hue⌋ capped at 359 (a hue a hair below 360 can round up to it).
                    var hf = ColorSpace.floor8(ColorSpace.hue8(lab.a, lab.b))
                    hf = hf.replacing(with: 359, where: hf .> 359)
                    let bin = ColorSpace.int8(hf)
                    let i0 = row + x
                    if m == 8 {
                        store8(lab.L, Lb.baseAddress!, i0); store8(c, Cb.baseAddress!, i0); store8(lab.y, Yb.baseAddress!, i0)
                        store8(lab.a, rowA, x); store8(lab.b, rowB, x)
                        for k in 0..<8 { hb[i0 + k] = UInt16(truncatingIfNeeded: bin[k]) }
                    } else {
                        for k in 0..<m {
                            Lb[i0 + k] = lab.L[k]; Cb[i0 + k] = c[k]; Yb[i0 + k] = lab.y[k]
                            hb[i0 + k] = UInt16(truncatingIfNeeded: bin[k])
                            rowA[x + k] = lab.a[k]; rowB[x + k] = lab.b[k]
                        }
                    }
                    x += 8
                }
                let oy = Int(cellY[yy])
                guard tiles, oy >= 0 else { continue }
                let Lrow = Lb.baseAddress! + row
                var ox = 0
                if eightWide {
                    // Cells exactly 8 px wide (the 512-px reduced context): eight cells at a time.
                    let c0 = oy * g.width
                    while ox + 8 <= g.width {
                        var l8 = load8(sL.baseAddress!, c0 + ox), a8 = load8(sA.baseAddress!, c0 + ox), b8 = load8(sB.baseAddress!, c0 + ox)
                        addBlocksOf8(Lrow + 8 * ox, into: &l8); addBlocksOf8(rowA + 8 * ox, into: &a8); addBlocksOf8(rowB + 8 * ox, into: &b8)
                        store8(l8, sL.baseAddress!, c0 + ox); store8(a8, sA.baseAddress!, c0 + ox); store8(b8, sB.baseAddress!, c0 + ox)
                        ox += 8
                    }
                }
                while ox < g.width {
                    let c = oy * g.width + ox
                    var l = sL[c], a = sA[c], b = sB[c]
                    for x in spans.x[ox].0..<spans.x[ox].1 { l += Lrow[x]; a += rowA[x]; b += rowB[x] }
                    sL[c] = l; sA[c] = a; sB[c] = b
                    ox += 1
                }
            }
        } } } } } } } } } } }
        if tiles {
            for oy in 0..<g.height {
                for ox in 0..<g.width {
                    let c = oy * g.width + ox
                    let k = Float((spans.y[oy].1 - spans.y[oy].0) * (spans.x[ox].1 - spans.x[ox].0))
                    sumL[c] /= k; sumA[c] /= k; sumB[c] /= k
                }
            }
            cells = (sumL, sumA, sumB)
        } else {
            cells = nil
        }
        self.L = L; chroma = C; y = Y; hueBin = bins
    }
}
