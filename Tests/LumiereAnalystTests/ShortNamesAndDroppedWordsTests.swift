// Lessons of corpus 5's first blind run, checked on tables of their own: terse column names
// spelled out ("magnitude" → `mag`, "alcohol" → `alcgp`, "cases" → `ncases`), "how many
// <number column>" as its sum, everyday words never "corrected" into a column ("rate" is not
// `Rape`), and a column the question names that the answer never reads is a refusal, not a
// silently narrower answer.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Terse column names, 'how many' a number column, and words the plan dropped")
struct ShortNamesAndDroppedWordsTests {
    static let clinic = """
        site,agegp,alcgp,ncases,ncontrols,mag,pop,Improved,Rape,kcal
        a,25-34,0-39,1,10,4.5,100,Some,2.5,110.5
        b,35-44,40-79,3,12,5.1,250,None,3.0,90.25
        a,35-44,80+,5,9,4.8,80,Marked,1.5,120
        c,45-54,0-39,0,20,6.0,60,Marked,4.0,100

        """

    @Test("a terse name is read from the word it shortens, and the guess is stated")
    func terseNames() throws {
        try IngestedSource.with(name: "clinic", csv: Self.clinic) { s in
            let avg = try #require(s.answer("average magnitude"))
            #expect(avg.sql.contains("AVG(\"mag\")"), "\(avg.sql)")
            #expect(avg.interpretation.contains("read \"magnitude\" as mag"), "\(avg.interpretation)")
            #expect(try s.firstCell("total population") == .integer(490))
            #expect(try s.firstCell("how many cases") == .integer(9))
            #expect(try s.firstCell("total number of controls") == .integer(51))
            let grouped = try #require(s.answer("number of cases per age group"))
            #expect(grouped.sql.contains("GROUP BY \"agegp\""), "\(grouped.sql)")
            #expect(try s.firstCell("how many sites had marked improvement") == .integer(2))
            // Not a shortening: a different word that starts with the name, or a name and a word.
            #expect(ColumnMatcher(schema: s.schema).shortenedName("popular") == nil)
            #expect(ColumnMatcher(schema: s.schema).shortenedName("magpersons") == nil)
            #expect(ColumnMatcher(schema: s.schema).shortenedName("agent") == nil)
        }
    }

    @Test("'how many <number column>' sums it, REAL columns too")
    func howManyNumberColumn() throws {
        try IngestedSource.with(name: "clinic", csv: Self.clinic) { s in
            let g = try #require(s.answer("how many kcals at site b"))
            #expect(g.sql.contains("SUM(\"kcal\")"), "\(g.sql)")
            #expect(try s.executor.run(g.sql).rows.first?.first == .real(90.25))
        }
    }

    @Test("everyday words are never corrected into a schema word")
    func everydayWordsUncorrected() throws {
        try IngestedSource.with(name: "clinic", csv: Self.clinic) { s in
            // "rate" is one letter from `Rape`: the share must not be taken of that column.
            if let g = s.answer("what share of sites have a mag rate over 5") {
                #expect(!g.sql.contains("\"Rape\""), "\(g.sql)")
            }
            if let g = s.answer("is marked improvement more common at site a or c") {
                #expect(!g.interpretation.contains("mode"), "\(g.interpretation)")
            }
        }
    }

    @Test("a named column the answer never reads makes a refusal")
    func droppedColumnRefused() throws {
        let films = """
            title,year,Animation,Short,rating
            a,2001,1,1,6.5
            b,2002,0,1,7.0
            c,2003,1,0,5.5
            d,2003,0,0,8.0

            """
        try IngestedSource.with(name: "films", csv: films) { s in
            // Both flags, or no answer: never the shorts alone.
            if let g = s.answer("number of animated shorts") {
                #expect(g.sql.contains("\"Animation\"") && g.sql.contains("\"Short\""), "\(g.sql)")
            }
            // A listing shows every column: nothing is lost.
            #expect(s.answer("list the rows from 2003") != nil)
        }
        try IngestedSource.with(name: "quakes", csv: Self.clinic) { s in
            // "for each mag" must group or refuse, never count every row.
            if let g = s.answer("number of earthquakes for each magnitude") {
                #expect(g.sql.contains("GROUP BY"), "\(g.sql)")
            }
        }
    }

    @Test("a year number compares a whole-number year column when the table has no dates")
    func yearNumbers() throws {
        let films = """
            title,year,rating
            a,1991,6.5
            b,1995,7.0
            c,2001,5.5
            d,2003,8.0
            e,2003,7.5

            """
        try IngestedSource.with(name: "films", csv: films) { (s: IngestedSource) throws in
            #expect(try s.firstCell("how many films from 2003") == .integer(2))
            #expect(try s.firstCell("how many films came out in the 1990s") == .integer(2))
            #expect(try s.firstCell("how many films after 2000") == .integer(3))
            #expect(try s.firstCell("how many films before 1995") == .integer(1))
            // Outside the column's years it is not a year of this table.
            #expect(s.answer("how many films from 1850") == nil)
        }
    }
}
