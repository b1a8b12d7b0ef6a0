// Benchmark for the classical quality models on a ~1 MP proxy (release builds only; run via
// Tools/bench-quality.sh). Prints median wall and process-CPU times and the CPU ratio to a
// baseline measured in the same run: decoding the same 1 MP JPEG to an sRGB proxy with libvips.
import Foundation
import IAACore
import IAAImaging
import IAAModels

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

/// Process CPU time in ms (all threads): robust on a machine shared with other jobs, where wall
/// time mostly measures the queue.
func cpuMilliseconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
}

/// Median wall and CPU milliseconds of `runs` calls.
func time(_ runs: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    var wall: [Double] = [], cpu: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds, c0 = cpuMilliseconds()
        try body()
        cpu.append(cpuMilliseconds() - c0)
        wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return (median(wall), median(cpu))
}

/// Mirror-tiles `src` to `w`×`h` (keeps natural-image statistics, no resampling).
func tiled(_ src: RGBImage, width w: Int, height h: Int) -> RGBImage {
    var p = [UInt8](repeating: 0, count: w * h * 3)
    for y in 0..<h {
        let sy0 = y % (2 * src.height), sy = sy0 < src.height ? sy0 : 2 * src.height - 1 - sy0
        for x in 0..<w {
            let sx0 = x % (2 * src.width), sx = sx0 < src.width ? sx0 : 2 * src.width - 1 - sx0
            let s = (sy * src.width + sx) * 3, d = (y * w + x) * 3
            p[d] = src.pixels[s]; p[d + 1] = src.pixels[s + 1]; p[d + 2] = src.pixels[s + 2]
        }
    }
    return RGBImage(width: w, height: h, pixels: p)
}

do {
    let args = CommandLine.arguments
    let source = args.count > 1 ? args[1] : "Samples/tulip_field.jpg"
    let runs = args.count > 2 ? Int(args[2])! : 9
    let original = try Photo(path: source).proxy(longSide: 4096)
    let (w, h) = original.width >= original.height ? (1224, 816) : (816, 1224)
    let big = tiled(original, width: w, height: h)
    let file = NSTemporaryDirectory() + "iaa-bench-quality-\(getpid()).jpg"
    try RGBCodec.write(big, to: file, quality: 92)
    defer { unlink(file) }

    let brisque = try Brisque()
    let niqe = try Niqe()
    var proxy = big
    let decode = try time(runs) { proxy = try Photo(path: file).proxy(longSide: max(w, h)) }
    var b = 0.0, n = 0.0
    let tb = try time(runs) { b = try brisque.score(proxy) }
    let tn = try time(runs) { n = try niqe.score(proxy) }
    print("proxy: \(proxy.width)×\(proxy.height) (\(String(format: "%.2f", Double(proxy.pixelCount) / 1e6)) MP) from \(source), median of \(runs) runs")
    print("                                          wall ms   CPU ms   CPU ratio to baseline")
    print(String(format: "baseline  libvips decode of the 1 MP JPEG %8.2f %8.2f   1.00×", decode.wall, decode.cpu))
    print(String(format: "BRISQUE   score %7.3f                   %8.2f %8.2f   %.2f×", b, tb.wall, tb.cpu, tb.cpu / decode.cpu))
    print(String(format: "NIQE      score %7.3f                   %8.2f %8.2f   %.2f×", n, tn.wall, tn.cpu, tn.cpu / decode.cpu))
} catch {
    FileHandle.standardError.write("iaa-bench-quality: \(error)\n".data(using: .utf8)!)
    exit(1)
}
