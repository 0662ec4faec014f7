// Row nouns and people, checked on tables of their own (issue #11 item 0): kinds of people
// over a table about people ("patients" over a trial with `Sex`), plurals over rows that each
// have a name ("provinces" over a label column), names that end one another ("cereals" over
// `uscereal`), sex codes stored as one letter ("the men" → M), a stored word that is also a
// negation ("never smoke"), "the top shelf", and the questions these opened up that must still
// be refused ("for each type of death" read as one type, "youngest and oldest" given one end).

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Row nouns for people and named rows; one-letter sex codes; places at an end")
struct PeopleAndNamedRowsTests {
    static let trial = """
        ID,Treatment,Sex,Age,Improved,Smoke
        1,Treated,Male,44,Some,Never
        2,Placebo,Female,61,None,Heavy
        3,Treated,Female,58,Marked,Never
        4,Placebo,Male,39,None,Occas
        5,Treated,Female,70,Marked,Never

        """

    static let regions = """
        region,pop,area,shelf
        Alba,100,5.5,1
        Brenn,250,3.0,3
        Corin,80,4.0,2
        Dunmore,60,6.0,3
        Elst,75,2.5,1
        Fenwick,90,1.5,2
        Garth,120,3.5,3
        Harrow,40,2.0,1
        Islay,55,4.5,2
        Jura,65,5.0,1

        """

    @Test("kinds of people name the rows of a table about people")
    func peopleKinds() throws {
        try IngestedSource.with(name: "arthritis", csv: Self.trial) { s in
            #expect(try s.firstCell("how many patients are there") == .integer(5))
            #expect(try s.firstCell("average age of patients") == .real(54.4))
            #expect(try s.firstCell("share of patients who are female") == .real(60))
            let g = try #require(s.answer("number of patients per treatment"))
            #expect(g.sql.contains("GROUP BY \"Treatment\""), "\(g.sql)")
            // A stored "Never" beside its own column is the value, not a negation.
            #expect(try s.firstCell("what share of the patients never smoke") == .real(60))
            // Not a kind of person: still refused.
            #expect(s.answer("how many invoices are there") == nil)
        }
    }

    @Test("one-letter sex codes answer to men and women")
    func sexLetters() throws {
        let csv = "sex,weight,height\nM,77,182\nF,58,161\nF,53,161\nM,68,177\n"
        try IngestedSource.with(name: "davis", csv: csv) { (s: IngestedSource) throws in
            #expect(try s.firstCell("average weight of the men") == .real(72.5))
            #expect(try s.firstCell("how many women") == .integer(2))
        }
    }

    @Test("over rows that each have a name, a plural in a row position names them")
    func namedRows() throws {
        try IngestedSource.with(name: "survey", csv: Self.regions) { s in
            #expect(try s.firstCell("how many provinces are covered") == .integer(10))
            // A place at one end is every row there, not a top five.
            let g = try #require(s.answer("list the provinces on the top shelf"))
            #expect(try s.executor.run(g.sql).rows.count == 3, "\(g.sql)")
        }
        try IngestedSource.with(name: "usregions", csv: Self.regions) { (s: IngestedSource) throws in
            // "regions" over `usregions`: one name ends the other.
            #expect(ColumnMatcher(schema: s.schema).namesRows("usregion"))
        }
    }

    @Test("what these readings opened up is still refused where it would be wrong")
    func stillRefused() throws {
        let deaths = """
            age,type,gender
            30,Death,Male
            41,Homicide,Male
            25,Homicide,Female
            52,Death,Female

            """
        try IngestedSource.with(name: "riots", csv: deaths) { s in
            #expect(s.answer("avg age for each type of death") == nil)
            #expect(s.answer("youngest and oldest victim age") == nil)
        }
        try IngestedSource.with(name: "quakes", csv: "mag,depth\n4.5,100\n5.0,200\n4.5,50\n") { s in
            #expect(s.answer("number of earthquakes for each magnitude").map { $0.sql.contains("GROUP BY") } ?? true)
        }
    }
}
