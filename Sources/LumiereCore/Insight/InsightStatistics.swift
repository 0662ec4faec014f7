// Small, exact statistics for insights: median, MAD-based robust z-scores, Pearson's r.
// Written out rather than imported so results are identical on every platform.

import Foundation

enum InsightStats {
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }

    /// Indices whose modified z-score (0.6745·(x − median)/MAD, Iglewicz & Hoaglin) exceeds
    /// `threshold`. Empty when the MAD is zero: then "typical spread" is undefined and any
    /// claim of an outlier would be arbitrary.
    static func robustOutliers(_ values: [Double], threshold: Double = 3.5) -> [(index: Int, z: Double)] {
        guard values.count >= 5, let med = median(values),
              let mad = median(values.map { abs($0 - med) }), mad > 0 else { return [] }
        return values.enumerated().compactMap { i, v in
            let z = 0.6745 * (v - med) / mad
            return abs(z) > threshold ? (i, z) : nil
        }
    }

    /// Pearson's correlation coefficient; nil with fewer than 3 pairs or no variation.
    static func pearson(_ xs: [Double], _ ys: [Double]) -> Double? {
        let n = min(xs.count, ys.count)
        guard n >= 3 else { return nil }
        let mx = xs.prefix(n).reduce(0, +) / Double(n), my = ys.prefix(n).reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<n {
            let dx = xs[i] - mx, dy = ys[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }
}
