// "sorted by", numbers joined by or/and before a coded column ("4 or 6 cylinders"), "4 gear
// or 5 gear" compared, "above average", and spread statistics (standard deviation, variance,
// range): on a table of its own.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Sorting, lists of codes, comparisons with the average, spread")
struct SortListsAndAveragesTests {
    static let bikes = """
        model,gears,wheels,weight,price
        a,3,2,12.0,300
        b,7,2,10.5,500
        c,21,2,9.0,900
        d,7,3,15.0,450
        e,3,3,16.5,350
        f,21,2,8.5,1200

        """

    @Test("'sorted by' orders a list of rows or groups by their own column; a sort the answer cannot take is refused")
    func sorting() throws {
        try IngestedSource.with(name: "bikes", csv: Self.bikes) { b in
            let list = try #require(b.answer("list the bikes sorted by weight"))
            #expect(list.sql.hasSuffix(#"ORDER BY "weight" ASC"#), "\(list.sql)")
            #expect(try b.executor.run(list.sql).rows.first?.first == .text("f"))
            let down = try #require(b.answer("show bikes with 2 wheels sorted by price descending"))
            #expect(down.sql.contains(#""wheels" = 2"#) && down.sql.hasSuffix(#"ORDER BY "price" DESC"#), "\(down.sql)")
            let groups = try #require(b.answer("average price by gears sorted by gears"))
            #expect(groups.sql.hasSuffix(#"ORDER BY "gears" ASC"#), "\(groups.sql)")
            // Never dropped silently.
            #expect(b.answer("average price by gears sorted by weight") == nil)
        }
    }

    @Test("numbers joined by or/and before a coded column are any of them; two such codes compared side by side")
    func codeLists() throws {
        try IngestedSource.with(name: "bikes", csv: Self.bikes) { b in
            for q in ["bikes with 3 or 7 gears", "how many bikes have 3, 7 or 21 gears", "average price for 3 and 7 gear bikes combined"] {
                let g = try #require(b.answer(q), "\(q)")
                #expect(g.sql.contains(#"("gears" = 3) OR ("gears" = 7)"#), "\(q): \(g.sql)")
            }
            let compared = try #require(b.answer("is price higher for 3 gear or 21 gear bikes"))
            #expect(compared.sql.contains(#"GROUP BY "gears""#) && compared.sql.contains(#"AVG("price")"#), "\(compared.sql)")
            #expect(try b.executor.run(compared.sql).rows.count == 2)
        }
    }

    @Test("'above average' compares with the column's average over all rows")
    func aboveAverage() throws {
        try IngestedSource.with(name: "bikes", csv: Self.bikes) { b in
            let above = try #require(b.answer("how many bikes have above average price"))
            #expect(above.sql.contains(#""price" > (SELECT AVG("price") FROM "data")"#), "\(above.sql)")
            #expect(try b.executor.run(above.sql).rows.first?.first == .integer(2))
            #expect(above.interpretation.contains("above its average"), "\(above.interpretation)")
            let below = try #require(b.answer("average price of bikes with a weight below the average"))
            #expect(below.sql.contains(#""weight" < (SELECT AVG("weight") FROM "data")"#), "\(below.sql)")
        }
    }

    @Test("standard deviation, variance and range are computed by the sandboxed executor; text has none")
    func spread() throws {
        try IngestedSource.with(name: "bikes", csv: Self.bikes) { b in
            let sd = try #require(b.answer("standard deviation of price"))
            #expect(sd.sql.contains(#"stddev("price")"#), "\(sd.sql)")
            guard case .real(let value)? = try b.executor.run(sd.sql).rows.first?.first else {
                Issue.record("no standard deviation"); return
            }
            #expect(abs(value - 355.90261) < 0.001, "\(value)")  // the sample statistic (n − 1)
            let range = try #require(b.answer("what is the spread of weight by wheels"))
            #expect(range.sql.contains(#"MAX("weight") - MIN("weight")"#) && range.sql.contains(#"GROUP BY "wheels""#), "\(range.sql)")
            let rows = try b.executor.run(range.sql).rows
            #expect(rows.contains { $0.first == .integer(3) && $0.last == .real(1.5) }, "\(rows)")
            #expect(try #require(b.answer("variance of weight")).sql.contains(#"variance("weight")"#))
            #expect(b.answer("standard deviation of model") == nil)
        }
    }
}
