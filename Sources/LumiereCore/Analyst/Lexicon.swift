// Lexicon: the fixed English vocabulary the builtin analyst understands, independent of any
// schema — stopwords, aggregate words, grouping and ranking cues, comparators, time words,
// business synonyms for column names and abbreviations, value aliases, adjectives that imply
// a measure ("heaviest" → weight), and entity nouns that stand for rows ("employees").
//
// Input: normalized token stems. Output: `LexWord` meanings for phrases of up to five words.
// Words absent from here and from the schema are "not understood" and make the engine refuse.

/// Aggregate functions the engine can emit (median is registered by the executor).
enum AggregateFunction: String, Sendable, Equatable, Hashable {
    case sum, avg, median, min, max, count, countDistinct
    /// Sample standard deviation and variance (registered by the executor), and MAX − MIN.
    case stddev, variance, range
}

enum ComparisonOp: String, Sendable, Equatable, Hashable {
    case gt = ">", ge = ">=", lt = "<", le = "<=", eq = "=", ne = "<>"
}

enum TimeGrain: String, Sendable, Equatable, Hashable, CaseIterable {
    case year, quarter, month, week, day, hour
    /// Cyclic buckets: the day of the week ("1 Monday"…"7 Sunday") and the hour of the day.
    case weekday
    case hourOfDay = "hour_of_day"

    var isCyclic: Bool { self == .weekday || self == .hourOfDay }
}

enum DatePreposition: Sendable, Equatable, Hashable {
    case before, after, since, until, on, during, from
}

/// The meaning of a lexicon phrase.
enum LexWord: Sendable, Equatable, Hashable {
    case stop
    case aggregate(AggregateFunction)
    case howMany                 // "how many", "number of", "count of"
    case distinct                // "distinct", "different", "unique"
    case share                   // "share", "percentage", "proportion"
    case groupCue                // "by", "per", "for each", "across", "broken down by"
    case superlativeHigh         // "highest", "largest", "most", "biggest"
    case superlativeLow          // "lowest", "smallest", "least", "fewest"
    case top                     // "top"
    case bottom                  // "bottom"
    case first                   // "first"
    case last                    // "last", "past", "previous", "latest"
    case best                    // "best"
    case worst                   // "worst"
    case performance             // "performance", "perform", "performing"
    case compare                 // "vs", "versus", "compare", "difference between"
    case list                    // "show", "list", "display"
    case all                     // "all", "every", "everything"
    case which                   // "which", "what"
    case comparator(ComparisonOp)
    case between
    case and
    case or
    case negate                  // "not", "excluding", "except", "other than", "non"
    case timeUnit(TimeGrain)     // "month", "months"
    case timeAdverb(TimeGrain)   // "monthly", "yearly"
    case trend                   // "trend", "over time"
    case cumulative              // "cumulative", "running total"
    case datePrep(DatePreposition)
    case this                    // "this" (month/year)
    case month(Int)
    case quarter(Int)
    case rowNoun                 // "rows", "records", "entries", "transactions"
    case isNull                  // "missing", "null", "empty", "blank"
    case isNotNull               // "known", "present", "non-null"
    case number(Int)             // "five", "ten"
    case valuePrep               // "in", "for", "from", "at", "only": a data value usually follows
    case sortOrder(descending: Bool) // "largest first", "in ascending order"
    case howMuch                 // "how much": an amount, of the main measure unless one is named
}

enum Lexicon {
    /// Nouns for the table itself, in filler like "in this file", "in the data".
    static let tableNouns = ["file", "table", "list", "dataset", "data set", "data", "sheet", "spreadsheet", "csv",
                             "database", "sample", "records", "rows", "set"]

    /// True for filler that points at the whole table ("in this list", "in the data", "here",
    /// "do we have"): "how many animals are in the list" counts every row.
    static func pointsAtTable(_ text: String) -> Bool {
        if ["here", "in here", "we have", "do we have", "have we got", "in total", "altogether"].contains(text) { return true }
        return tableNouns.contains { text.hasSuffix(" " + $0) }
    }

    /// Phrases up to four words, keyed by space-joined stems (singular forms).
    static let phrases: [String: LexWord] = {
        var p: [String: LexWord] = [:]
        func add(_ words: [String], _ w: LexWord) { for s in words { p[s] = w } }
        add(stopwords, .stop)
        // Filler that names the table itself: "in this file", "in the data", "from this list".
        for noun in tableNouns {
            for lead in ["in this", "in the", "in these", "from this", "from the", "this", "these", "of this",
                         "across this", "across the", "within this", "within the", "on this", "on the"] {
                p["\(lead) \(noun)"] = .stop
            }
        }
        add(["here", "in here", "i d", "we d", "you d", "i ll", "we ll", "i ve", "we ve", "you ve", "we re", "you re",
             "they re", "i m", "i d like to know", "i would like to know",
             "can you tell me", "could you tell me", "would you tell me", "i wonder", "i m wondering",
             "wondering", "curious", "i m curious", "hey", "hi", "hello", "thanks", "thank you", "ok", "okay",
             "roughly", "approximately", "approx", "about how", "basically", "in general", "generally",
             "all told", "in all", "we ve got", "we got", "have got", "on record", "in our"], .stop)
        add(["in", "for", "from", "at", "only", "within", "inside"], .valuePrep)
        add(["total", "sum", "sum of", "total of", "summed", "combined", "add up", "overall total",
             "aggregate", "altogether", "sum total", "grand total", "cumulative sum of"], .aggregate(.sum))
        add(["average", "avg", "mean", "typical", "on average", "av", "averaged"], .aggregate(.avg))
        add(["median", "middle value", "med"], .aggregate(.median))
        add(["standard deviation", "standard deviation of", "std dev", "stdev", "stddev", "std deviation",
             "standard dev"], .aggregate(.stddev))
        add(["variance", "variance of"], .aggregate(.variance))
        add(["range", "range of", "spread", "spread of"], .aggregate(.range))
        add(["minimum", "min", "smallest value", "lowest value"], .aggregate(.min))
        add(["maximum", "max", "largest value", "highest value", "peak"], .aggregate(.max))
        add(["headcount", "head count", "headcount of", "count", "tally", "count of", "number of", "how many", "no of", "num of", "nr of",
             "count the number of", "total number of", "the number of", "frequency",
             "frequency of"], .howMany)
        add(["distinct", "different", "unique", "separate", "individual"], .distinct)
        add(["share", "percentage", "percent", "proportion", "fraction", "pct", "percentage share",
             "share of total", "percent of total", "percentage of total", "breakdown share", "%"], .share)
        add(["by", "per", "for each", "for every", "each", "every", "across", "broken down by",
             "break down by", "breakdown by", "grouped by", "group by", "split by", "split", "among",
             "in each", "of each", "within each", "across all", "by each", "for all", "for the different",
             "for different", "across the", "across different", "according to", "with respect to",
             "per each", "broken down", "breakdown", "broken out by", "segmented by", "sort by", "sorted by",
             "ranked by", "distribution", "mix"], .groupCue)
        add(["highest", "largest", "biggest", "most", "greatest", "maximum number of", "top most",
             "most expensive", "priciest", "heaviest", "longest", "oldest", "richest", "busiest",
             "higher", "largest number of", "strongest", "leading", "warmest", "hottest", "wettest", "tallest", "deepest",
             "most humid", "most powerful"], .superlativeHigh)
        add(["lowest", "smallest", "least", "fewest", "cheapest", "lightest", "shortest",
             "least expensive", "youngest", "weakest", "lower", "lowest number of", "slowest",
             "poorest", "coldest", "coolest", "driest", "least humid", "least powerful", "shallowest"], .superlativeLow)
        add(["largest first", "highest first", "biggest first", "descending", "desc", "in descending order",
             "from highest to lowest", "from largest to smallest", "high to low", "most first",
             "sorted descending", "top down"], .sortOrder(descending: true))
        add(["smallest first", "lowest first", "ascending", "asc", "in ascending order",
             "from lowest to highest", "from smallest to largest", "low to high", "least first",
             "sorted ascending"], .sortOrder(descending: false))
        add(["how much", "what amount of"], .howMuch)
        add(["top"], .top)
        add(["bottom"], .bottom)
        add(["first", "earliest", "initial", "head"], .first)
        add(["last", "past", "previous", "latest", "recent", "most recent", "recently", "most recently", "newest", "prior", "final", "trailing"], .last)
        add(["best", "best performing", "top performing", "strongest performing", "best selling",
             "most successful", "top selling"], .best)
        add(["worst", "worst performing", "weakest performing", "worst selling", "least successful",
             "underperforming", "poorest performing"], .worst)
        add(["performance", "perform", "performing", "performer", "did best", "do best"], .performance)
        add(["vs", "versus", "v", "compare", "compared", "comparison", "comparing", "against",
             "compared to", "compared with", "compare to", "difference between", "differ", "difference",
             "contrast", "relative to", "side by side", "how do", "how does"], .compare)
        add(["show", "list", "display", "give", "get", "find", "see", "view", "print", "return",
             "fetch", "pull", "retrieve", "output", "enumerate", "what are", "give me", "show me",
             "tell me", "let me see", "i want", "i need", "provide", "select", "name"], .list)
        add(["all", "everything", "entire", "whole", "full", "every single", "any"], .all)
        add(["which", "what", "who", "whose", "which one", "what is the", "what are the"], .which)
        add(["over", "above", "more than", "greater than", "higher than", "larger than", "bigger than",
             "exceeding", "exceed", "exceeds", "in excess of", "upwards of", "beyond", ">", "north of",
             "costlier than", "heavier than", "older than", "longer than", "after more than"],
            .comparator(.gt))
        add(["at least", "no less than", "not less than", "minimum of", ">=", "or more", "and above",
             "or above", "and up", "or greater", "or higher", "and over", "greater than or equal to",
             "more than or equal to", "a minimum of", "atleast"], .comparator(.ge))
        add(["under", "below", "less than", "fewer than", "lower than", "smaller than", "beneath", "<",
             "cheaper than", "lighter than", "younger than", "shorter than", "south of"], .comparator(.lt))
        add(["at most", "no more than", "not more than", "maximum of", "up to", "<=", "or less",
             "or fewer", "and below", "or below", "or lower", "and under", "less than or equal to",
             "a maximum of", "atmost"], .comparator(.le))
        add(["equal to", "equals", "equal", "exactly", "=", "is exactly", "of exactly"], .comparator(.eq))
        add(["between", "ranging from", "in the range of"], .between)
        add(["and", "as well as", "plus", "along with", "together with", "&", "also", "both", ",", ", and", "but"], .and)
        add(["or", "either"], .or)
        add(["not", "no", "never", "excluding", "exclude", "except", "other than", "without", "non", "besides",
             "apart from", "aside from", "but not", "minus", "leaving out", "ignoring", "ignore",
             "isnt", "isn", "aren", "arent", "wasn", "weren", "excluded", "doesn", "don", "didn",
             "not in", "outside", "outside of", "omit", "omitting", "skip", "skipping",
             // Contractions typed without the apostrophe.
             "dont", "didnt", "doesnt", "hasnt", "havent", "hadnt", "wasnt", "werent"], .negate)
        for g in TimeGrain.allCases where !g.isCyclic { p[g.rawValue] = .timeUnit(g) }
        add(["yr", "annual period", "calendar year", "fiscal year", "fy"], .timeUnit(.year))
        add(["mo", "mth", "calendar month"], .timeUnit(.month))
        add(["wk", "calendar week"], .timeUnit(.week))
        add(["date", "calendar day", "dy"], .timeUnit(.day))
        add(["hr"], .timeUnit(.hour))
        add(["day of week", "day of the week", "weekday", "week day", "days of the week", "day of wk"],
            .timeUnit(.weekday))
        add(["hour of day", "hour of the day", "time of day", "time of the day"], .timeUnit(.hourOfDay))
        add(["yearly", "annual", "annually", "year over year", "yoy", "year by year", "per annum"],
            .timeAdverb(.year))
        add(["quarterly", "quarter by quarter", "quarter over quarter", "qoq"], .timeAdverb(.quarter))
        add(["monthly", "month by month", "month over month", "mom", "month to month"], .timeAdverb(.month))
        add(["weekly", "week by week", "week over week", "wow"], .timeAdverb(.week))
        add(["daily", "day by day", "day to day", "per diem"], .timeAdverb(.day))
        add(["hourly", "hour by hour"], .timeAdverb(.hour))
        add(["trend", "over time", "timeline", "evolution", "evolve", "evolved", "time series",
             "trajectory", "history", "historical", "progression", "through time", "over the period",
             "change over time", "changed over time", "trended", "trending", "develop", "developed",
             "development", "change", "changed"], .trend)
        add(["cumulative", "running total", "cumulatively", "running sum", "to date", "accumulated",
             "cumulative total"], .cumulative)
        add(["before", "prior to", "earlier than"], .datePrep(.before))
        add(["until", "till", "up until", "through", "thru", "by the end of", "up to and including",
             "ending"], .datePrep(.until))
        add(["after", "later than", "following", "starting after"], .datePrep(.after))
        add(["since", "starting", "starting from", "as of", "onwards", "onward", "beginning",
             "from the start of"], .datePrep(.since))
        add(["on", "on the day", "dated"], .datePrep(.on))
        add(["during", "throughout", "over the course of"], .datePrep(.during))
        add(["this", "current", "the current", "this calendar"], .this)
        let months = ["january", "february", "march", "april", "may", "june", "july", "august",
                      "september", "october", "november", "december"]
        for (k, m) in months.enumerated() {
            p[m] = .month(k + 1)
            if m.count > 3 { p[String(m.prefix(3))] = .month(k + 1) }
        }
        p["sept"] = .month(9)
        p["may"] = .month(5)
        for q in 1...4 {
            p["q\(q)"] = .quarter(q)
            p["quarter \(q)"] = .quarter(q)
        }
        p["first quarter"] = .quarter(1); p["second quarter"] = .quarter(2)
        p["third quarter"] = .quarter(3); p["fourth quarter"] = .quarter(4)
        add(["row", "record", "entry", "line", "transaction", "observation", "item", "line item",
             "instance", "occurrence", "case", "event", "sample", "datapoint", "data point", "measurement",
             "entries"], .rowNoun)
        // "the most common status", "least popular product": how often a value occurs is a
        // count of rows, so these words rank by rows like "the most orders".
        add(["common", "frequent", "popular", "often", "frequently", "commonly"], .rowNoun)
        add(["missing", "null", "empty", "blank", "unknown", "not set", "not recorded", "na", "n a",
             "nan", "none"], .isNull)
        add(["known", "present", "filled", "non null", "not null", "non empty",
             "not missing", "available"], .isNotNull)
        let numbers = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                       "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                       "eighteen", "nineteen", "twenty"]
        for (k, w) in numbers.enumerated() { p[w] = .number(k + 1) }
        p["zero"] = .number(0)  // "below zero"
        // "more than twenty five", "over a hundred", "at least three thousand".
        let tens = ["twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90]
        for (word, n) in tens {
            p[word] = .number(n)
            for (k, unit) in numbers.prefix(9).enumerated() { p["\(word) \(unit)"] = .number(n + k + 1) }
        }
        for lead in ["a", "one"] {
            p["\(lead) hundred"] = .number(100)
            p["\(lead) thousand"] = .number(1000)
            p["\(lead) million"] = .number(1_000_000)
        }
        for (k, unit) in numbers.prefix(9).enumerated() where k >= 1 {
            p["\(unit) hundred"] = .number((k + 1) * 100)
            p["\(unit) thousand"] = .number((k + 1) * 1000)
        }
        p["hundred"] = .number(100)
        p["thousand"] = .number(1000)
        // "average brain weight, ignoring missing values": the column's known values only.
        add(["ignoring missing values", "ignoring missing", "ignoring nulls", "ignoring the missing values",
             "excluding missing values", "excluding missing", "skipping missing values", "without missing values",
             "ignoring na", "ignoring nas", "ignoring blanks"], .isNotNull)
        // Verbs that only say the rows exist: "how many looms were tested", "how many distinct
        // months are covered".
        add(["covered", "included", "tested", "measured", "observed", "studied", "surveyed", "sampled",
             "in the study", "in the sample", "in the experiment", "in the survey", "in the trial"], .stop)
        p["dozen"] = .number(12)
        p["a dozen"] = .number(12)
        return p
    }()

    static let maxPhraseLength = 5

    /// Words with no analytic content of their own. Everything else must be understood.
    static let stopwords: [String] = [
        "a", "an", "the", "of", "to", "on the", "is", "are", "was", "were", "be", "been", "being",
        "am", "do", "doe", "did", "done", "doing", "have", "ha", "had", "having", "me", "my", "our", "we",
        "i", "you", "your", "u", "us", "it", "its", "they", "them", "their", "there", "here", "that",
        "these", "those", "please", "pls", "plz", "can", "could", "would", "should", "will", "shall",
        "may be", "might", "must", "with", "where", "whereby", "when", "how", "much",
        "then", "than", "so", "far", "so far", "up", "out", "into", "about", "as", "if", "s", "t",
        "just", "too", "really", "actually", "exactly the", "kindly", "quick", "quickly",
        "overall", "data", "dataset", "table", "database", "sheet", "spreadsheet", "csv", "file",
        "information", "info", "detail", "details", "breakdown of", "figure", "figures", "number",
        "numbers", "value", "values", "result", "results", "stat", "statistic", "statistics", "metric",
        "metrics", "kpi", "report", "summary", "summarize", "summarise", "overview", "look", "like",
        "look like", "looks", "know", "want", "wanna", "need", "let", "let s", "make", "made",
        "generate", "generated", "earn", "earned", "bring", "brought", "produce", "produced", "come",
        "came", "sell", "sold", "selling", "shipped", "sent", "placed", "ship to", "shipped to", "handled", "sale made", "buy", "bought", "spend", "spent",         "recorded", "happen", "happened", "occur", "occurred", "register", "registered",         "got", "take", "took", "taken", "go", "went", "there are", "there were", "is there",
        "are there", "exist", "exists", "existing", "contain", "contained", "appear", "appears",
        "appeared", "present in", "included", "include", "including", "includes", "both of",
        "each of", "respectively", "respective", "some", "any of", "kind", "kinds", "sort", "sorts",
        "type of", "listed", "shown", "given", "provided", "currently", "now", "today", "ever",
        "did we", "do we", "have we", "has", "hav", "sorted", "ordered",
        "rank", "ranked", "ranking", "rankings", "level", "levels", "amount", "amounts", "across the board",
        "tell", "explain", "describe", "calculate", "compute", "determine", "work out", "find out",
        "give a", "provide a", "what s", "whats", "how s", "hows", "where s", "way", "ways",
        "one", "ones", "thing", "things", "single", "a single", "used", "use", "uses", "using",
        "provider", "providers", "does", "break down", "break out", "breakdown of",
        "contribute", "contributes", "contributed", "contributing", "account for", "accounts for",
        "accounted for", "represent", "represents", "make up", "makes up", "bring in", "brings in",
        "work", "works", "worked", "working", "employed", "belong", "belongs", "belonging",
        "much was", "in total", "it all", "dollar", "dollars", "euro", "euros", "usd", "eur", "gbp",
        "bucks", "collected", "received", "gathered",
        "did it", "does it", "was it", "were they", "they were", "by how much", "respectively in",
        "across all of", "whole dataset", "entire dataset", "all time", "all-time", "ever recorded",
        "period", "periods", "time", "times", "broken", "wise", "basis", "terms", "in terms of",
        "term", "side", "category wise", "group", "groups", "segment", "segments",
    ]

    /// Business synonyms: a question word (stem) → column-name stems it may stand for, in
    /// order of preference. Only columns that exist are ever chosen.
    static let columnSynonyms: [String: [String]] = [
        "stock": ["symbol", "ticker", "stock"], "ticker": ["symbol", "ticker"], "company": ["company", "symbol", "name"],
        "revenue": ["revenue", "sale", "turnover", "amount", "income", "total", "gross", "net", "fee", "charge"],
        "earn": ["salary", "pay", "wage", "income", "earning", "compensation"],
        "paid": ["salary", "pay", "wage", "compensation", "fee", "amount"],
        "payroll": ["salary", "pay", "wage", "compensation"],
        "insurer": ["insurance", "insurer", "payer", "carrier"],
        "payer": ["payer", "insurance", "insurer"],
        "turnover": ["turnover", "revenue", "sale", "amount"],
        "sale": ["sale", "revenue", "turnover", "amount"],
        "income": ["income", "revenue", "sale", "earning"],
        "earning": ["earning", "income", "revenue", "sale"],
        "amount": ["amount", "amt", "sale", "revenue", "total", "value"],
        "money": ["revenue", "sale", "amount"],
        // A table of counts by sex (`Males`, `Females`): "boys", "girls" name those columns.
        "boy": ["male"], "girl": ["female"],
        "takings": ["revenue", "sale"],
        "quantity": ["quantity", "qty", "unit", "volume", "count"],
        "qty": ["quantity", "qty", "unit"],
        "unit": ["unit", "quantity", "qty"],
        "volume": ["volume", "quantity", "qty", "unit"],
        "price": ["price", "unit price", "cost", "rate"],
        "cost": ["cost", "price", "expense", "spend"],
        "expense": ["expense", "cost", "spend"],
        "spend": ["spend", "cost", "expense"],
        "profit": ["profit", "margin", "earning"],
        "margin": ["margin", "profit"],
        "customer": ["customer", "client", "buyer"],
        "client": ["client", "customer", "buyer"],
        "buyer": ["buyer", "customer", "client"],
        "salary": ["salary", "pay", "wage", "compensation"],
        "pay": ["pay", "salary", "wage", "compensation"],
        "wage": ["wage", "salary", "pay"],
        "compensation": ["compensation", "salary", "pay"],
        "department": ["department", "dept", "division", "team"],
        "dept": ["dept", "department"],
        "division": ["division", "department", "dept"],
        "team": ["team", "department", "dept"],
        "category": ["category", "cat", "segment", "group", "class"],
        "cat": ["cat", "category"],
        "country": ["country", "nation"],
        "nation": ["nation", "country"],
        "city": ["city", "town"],
        "weight": ["weight", "wt", "mass"],
        "temperature": ["temperature", "temp"],
        "temp": ["temp", "temperature"],
        "humidity": ["humidity", "hum"],
        "voltage": ["voltage", "volt", "v", "battery"],
        "size": ["size", "quantity", "qty", "unit"],
        "weigh": ["weight", "wt", "mass"],
        "volt": ["voltage", "volt", "v"],
        "duration": ["duration", "length", "minute", "time"],
        "last": ["duration", "length"],
        "length": ["length", "duration", "minute"],
        "product": ["product", "item", "sku"],
        "item": ["item", "product"],
        "employee": ["employee", "emp", "staff", "worker"],
        "staff": ["employee", "staff"],
        "sex": ["gender", "sex"],
        "gender": ["gender", "sex"],
        "mode": ["mode", "method"],
        "method": ["method", "mode"],
        "shipping": ["shipping", "ship", "shipment", "freight", "delivery"],
        "freight": ["freight", "shipping"],
        "delivery": ["delivery", "shipping"],
        "doctor": ["doctor", "physician", "provider", "dr"],
        "physician": ["physician", "doctor"],
        "patient": ["patient"],
        "fee": ["fee", "charge", "price", "cost"],
        "charge": ["charge", "fee", "cost", "price"],
        "location": ["location", "site", "place"],
        "site": ["site", "location"],
        "device": ["device", "sensor"],
        "sensor": ["sensor", "device"],
        "rating": ["rating", "score"],
        "score": ["score", "rating"],
        "age": ["age"],
        "tax": ["tax", "vat"],
        "vat": ["vat", "tax"],
        "discount": ["discount", "disc"],
        "rain": ["precipitation", "rainfall", "rain", "precip"], "rainfall": ["rainfall", "precipitation", "rain", "precip"],
        "fuel economy": ["mpg", "fuel economy", "mileage"], "mileage": ["mileage", "mpg"],
        "gas mileage": ["mpg", "mileage"], "fuel efficiency": ["mpg", "fuel economy", "mileage"],
    ]

    /// Units written after a compared number ("more than 20 mm", "at least 10 mph"): left out
    /// as the number's unit, and, when no column is named, the measure they are a unit of.
    static let measurementUnits: [String: [String]] = [
        "mm": ["precipitation", "rainfall", "rain"], "millimeter": ["precipitation", "rainfall", "rain"],
        "millimetre": ["precipitation", "rainfall", "rain"], "inch": ["precipitation", "rainfall", "rain"],
        "cm": ["height", "length"], "km": ["distance"], "mile": ["distance"], "meter": ["distance", "height"],
        "metre": ["distance", "height"], "kg": ["weight"], "kilo": ["weight"], "kilogram": ["weight"],
        "lb": ["weight"], "lbs": ["weight"], "pound": ["weight"], "gram": ["weight"],
        "mph": ["wind", "speed"], "kph": ["wind", "speed"], "kmh": ["wind", "speed"], "knot": ["wind", "speed"],
        "degree": ["temperature", "temp"], "deg": ["temperature", "temp"], "celsius": ["temperature", "temp"],
        "fahrenheit": ["temperature", "temp"], "°": ["temperature", "temp"], "°c": ["temperature", "temp"],
        "°f": ["temperature", "temp"],
    ]

    /// Abbreviations in column names or questions → full stem.
    static let abbreviations: [String: String] = [
        "qty": "quantity", "amt": "amount", "avg": "average", "no": "number", "num": "number",
        "nr": "number", "dept": "department", "cat": "category", "emp": "employee", "temp": "temperature",
        "wt": "weight", "hum": "humidity", "desc": "description", "addr": "address", "tel": "telephone",
        "cust": "customer", "prod": "product", "mgr": "manager", "dt": "date", "yr": "year", "yrs": "year",
        "cnt": "count", "pct": "percent", "rev": "revenue", "disc": "discount", "dur": "duration",
        "min": "minute", "mins": "minute", "sec": "second", "hr": "hour", "loc": "location",
        "pt": "patient", "dr": "doctor", "id": "id", "kg": "kg", "usd": "usd",
        "len": "length", "hp": "horsepower", "disp": "displacement", "cyl": "cylinder", "carb": "carburetor",
        "supp": "supplement", "precip": "precipitation", "vol": "volume", "wgt": "weight", "ht": "height",
    ]

    /// Lexicon words worth correcting a typo to ("avrage" → average), beside the schema's own.
    static let correctable: [String] = ["average", "median", "maximum", "minimum", "total", "count",
                                        "highest", "lowest", "largest", "smallest", "between", "percentage",
                                        "distinct", "number", "monthly", "yearly", "weekly", "daily",
                                        // Comparisons ("abvoe 10", "bellow 5"); shorter ones are too
                                        // close to other words to correct.
                                        "above", "below", "under", "greater", "fewer",
                                        // Words after a column's name ("ethnic goup"). (Never filler
                                        // such as "recorded": "reported" is two edits from it.)
                                        "group", "category", "different",
                                        // Filler that points at the table ("in the survery").
                                        "survey", "dataset"]

    /// Column-name stems of columns that hold money or volume: summing them makes sense.
    /// Others (price, rate, age, temperature, score...) are averaged by default.
    static let nonAdditive: Set<String> = [
        "price", "rate", "age", "temperature", "temp", "humidity", "score", "rating", "percent",
        "pct", "ratio", "margin", "speed", "latitude", "lat", "longitude", "lon", "lng", "year",
        "percentage", "tenure", "level", "grade", "index", "pressure", "reading", "bpm", "heart",
        "satisfaction", "probability", "duration", "wait", "discount", "salary", "wage", "pay",
        "length", "height", "width", "size", "mpg", "mileage", "economy", "efficiency", "average", "mean",
    ]

    /// The revenue lexicon: stems that make a numeric column the "sales-like" default measure,
    /// strongest first.
    static let revenueStems: [String] = [
        "sale", "revenue", "turnover", "amount", "amt", "income", "total", "gross", "value", "spend",
        "fee", "charge", "cost", "price",
    ]

    /// Other words for data values: "women" finds `Female`, "Canadian" finds `Canada`.
    static let valueAliases: [String: [String]] = [
        "woman": ["female", "f"], "women": ["female", "f"], "lady": ["female"], "girl": ["female"],
        "man": ["male", "m"], "men": ["male", "m"], "gentleman": ["male"], "boy": ["male"],
        "female": ["woman", "f"], "male": ["man", "m"],
        "american": ["united state", "usa"], "usa": ["united state"],
        "america": ["united state", "usa"], "canadian": ["canada"], "german": ["germany"],
        "french": ["france"], "british": ["united kingdom", "uk"], "uk": ["united kingdom"],
        "britain": ["united kingdom", "uk"], "english": ["england"], "mexican": ["mexico"],
        "spanish": ["spain"], "italian": ["italy"], "japanese": ["japan"], "chinese": ["china"],
        "indian": ["india"], "australian": ["australia"], "brazilian": ["brazil"], "dutch": ["netherlands"],
        "yes": ["true", "y"], "no": ["false", "n"],
    ]

    /// Adjectives that name their measure: "heaviest" ranks by weight, "older than" compares
    /// ages. Each maps to column stems tried in order.
    static let adjectiveMeasures: [String: [String]] = [
        "heaviest": ["weight"], "lightest": ["weight"], "heavier": ["weight"], "lighter": ["weight"],
        "cheapest": ["price", "cost", "fee"], "priciest": ["price", "cost", "fee"],
        "most expensive": ["price", "cost", "fee"], "least expensive": ["price", "cost", "fee"],
        "cheaper": ["price", "cost", "fee"], "costlier": ["price", "cost", "fee"],
        "oldest": ["age"], "youngest": ["age"], "older": ["age"], "younger": ["age"],
        "longest": ["duration", "length"], "shortest": ["duration", "length", "height"],
        "longer": ["duration", "length"], "shorter": ["duration", "length", "height"],
        "strongest": ["magnitude", "strength"], "weakest": ["magnitude", "strength"],
        "tallest": ["height"], "taller": ["height"], "tall": ["height"],
        "deepest": ["depth"], "deeper": ["depth"], "deep": ["depth"],
        "shallowest": ["depth"], "shallower": ["depth"], "shallow": ["depth"],
        "richest": ["salary", "income"],
        "most powerful": ["horsepower", "power"], "least powerful": ["horsepower", "power"],
        "powerful": ["horsepower", "power"], "more powerful": ["horsepower", "power"],
        // Verbs that name their measure: "do men earn more than women", "Fair diamonds cost less".
        "earn": ["salary", "pay", "wage", "income", "earnings"], "earns": ["salary", "pay", "wage", "income", "earnings"],
        "earned": ["salary", "pay", "wage", "income", "earnings"], "paid": ["salary", "pay", "wage", "income"],
        "cost": ["price", "cost", "fee"], "costs": ["price", "cost", "fee"],
        "charge": ["price", "cost", "fee", "charge"], "charges": ["price", "cost", "fee", "charge"],
        "charged": ["price", "cost", "fee", "charge"],
        "weigh": ["weight"], "weighs": ["weight"], "weighing": ["weight"],
        "heavy": ["weight"], "light": ["weight"], "expensive": ["price", "cost", "fee"],
        "costly": ["price", "cost", "fee"], "pricey": ["price", "cost", "fee"], "old": ["age"],
        "young": ["age"], "long": ["duration", "length"],
        "warmest": ["temperature", "temp"], "hottest": ["temperature", "temp"], "coldest": ["temperature", "temp"],
        "coolest": ["temperature", "temp"], "warm": ["temperature", "temp"], "hot": ["temperature", "temp"],
        "cold": ["temperature", "temp"], "warmer": ["temperature", "temp"], "colder": ["temperature", "temp"],
        "wettest": ["precipitation", "rainfall", "rain", "humidity"], "driest": ["precipitation", "rainfall", "rain", "humidity"],
        "wetter": ["precipitation", "rainfall", "rain", "humidity"], "drier": ["precipitation", "rainfall", "rain", "humidity"],
        "dryer": ["precipitation", "rainfall", "rain", "humidity"], "rainier": ["precipitation", "rainfall", "rain"],
        "most humid": ["humidity"], "least humid": ["humidity"], "humid": ["humidity"],
        "hotter": ["temperature", "temp"], "cooler": ["temperature", "temp"],
    ]

    /// Words asking for the early end of a date column ("the oldest hire date") and for the
    /// late end ("latest order date"); a question with both ("first and last date") asks for
    /// both ends.
    static let earliestDateWords: Set<String> = ["oldest", "earliest", "first", "lowest", "smallest", "min",
                                                 "minimum", "initial"]
    static let latestDateWords: Set<String> = ["newest", "latest", "last", "most recent", "recent", "highest",
                                               "largest", "max", "maximum", "final"]

    /// Comparative adjectives that name their measure ("warmer", "heavier"): "was 2014 warmer
    /// than 2013" compares the two named periods (or values) by that measure.
    static let comparativeAdjectives: Set<String> = ["warmer", "hotter", "colder", "cooler", "heavier", "lighter",
                                                     "older", "younger", "longer", "shorter", "cheaper", "costlier",
                                                     "wetter", "drier", "dryer", "rainier", "taller", "deeper", "shallower"]

    /// Stored text that means "no value" in exports (R writes NA, spreadsheets #N/A).
    static let missingMarkers: Set<String> = ["NA", "N/A", "n/a", "na", "#N/A", "NULL", "null", "None", "none", "-", "?"]

    /// Ranking words that count rows on their own ("which year had the most").
    static let countingSuperlatives: Set<String> = ["most", "fewest", "least", "top", "bottom", "most common",
                                                    "least common", "largest number of", "lowest number of",
                                                    "maximum number of", "top most", "more", "fewer", "less"]

    /// Phrases made only of filler words that still carry meaning: tagged unknown.
    static let idiomsWithMeaning: Set<String> = ["made it", "make it", "makes it", "got through",
                                                 "pulled through", "came back", "got in", "get in", "at all"]

    /// Ordinal words before a superlative: "the second highest".
    static let ordinals: [String: Int] = ["second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                                          "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10]

    /// Group cues that order rather than group: "sorted by weight".
    static let sortCues: Set<String> = ["sort by", "sorted by"]

    /// Words of a forecast: the engine answers from the data and refuses these.
    static let forecastWords: Set<String> = ["will", "forecast", "forecasts", "predict", "predicted", "prediction",
                                             "projected", "projection", "expect", "expected", "future"]

    /// Comparatives toward the low end: "colder than 5" is below 5.
    static let lowComparatives: Set<String> = ["colder", "cooler", "lighter", "younger", "shorter", "cheaper", "shallower",
                                               "drier", "dryer", "smaller", "lower", "less", "fewer"]

    /// Comparative forms that, between two named groups, compare them rather than rank or
    /// threshold: "is salary higher for men or women".
    static let comparativeForms: Set<String> = ["higher", "lower", "more", "less", "greater", "bigger", "larger",
                                                "smaller", "better", "worse", "longer", "shorter", "fewer"]

    /// Two words that name the whole a share is taken of: "share of cases out of all
    /// participants". The noun after them is the denominator, never filler.
    static let denominatorCues: Set<String> = ["out of", "relative to", "compared to"]

    /// Words that open a clause describing the noun before them: "states that are at least
    /// 70% urban", "states with murder under 5", "mothers who smoked".
    static let relativeWords: Set<String> = ["that", "with", "who", "which", "where", "whose"]

    /// Articles after which an unknown noun reads as "a row" ("the price of a house").
    static let indefiniteArticles: Set<String> = ["a", "an"]
    /// Prepositions that, right before an unknown word, make it a qualifier the plan would
    /// need ("sales of unicorns", "out of stock").
    static let qualifyingPrepositions: Set<String> = ["of", "with", "about", "to", "on"]
    /// Words never left out as a row noun: SQL verbs in a question are refused outright.
    /// Everyday words never "corrected" into a schema word: "more" is not the lexicon's
    /// "mode", "rate" is not the column `Rape`. A real typo of them is rare; a wrong column is costly.
    static let neverCorrected: Set<String> = [
        "more", "most", "less", "least", "many", "much", "rate", "rates", "rated", "rating", "than", "then", "that",
        "this", "with", "what", "when", "where", "which", "were", "have", "over", "under", "same", "each", "made",
        "make", "does", "done", "long", "high", "data", "time", "type", "kind", "just", "only", "also", "like",
        "some", "very", "well", "your", "ever", "down", "rest", "lose", "lost", "gain", "died", "dead", "live",
        "lived", "good", "best", "worst", "bad", "part", "half", "full", "other", "others", "mean", "means",
        // Words after a number column that only say what it measures ("the Green vote").
        "vote", "votes", "content", "value", "amount", "level", "figure", "reading",
    ]

    static let neverIgnored: Set<String> = ["drop", "delete", "insert", "update", "truncate", "alter", "create",
                                            "select", "union", "pragma", "attach", "exec", "grant"]

    /// Quantity-like stems: "how many units" sums them instead of counting rows.
    /// What a row of a sales-like table records ("sales", "orders"): such a word may name the
    /// rows a column of the same name sits in ("average price across all sales"), so it is
    /// counted as rows rather than read as that column.
    static let transactionNouns: Set<String> = ["sale", "order", "transaction", "purchase"]
    /// Transaction nouns and the things such rows are about: words that may name the rows
    /// ("per sale", "product category") beside a column of the same name.
    static let rowNamingWords: Set<String> = transactionNouns.union(["product", "item", "store"])
    /// Transaction nouns and other business records: over a table with a money column they
    /// name its rows ("how many deals").
    static let commerceNouns: Set<String> = transactionNouns.union(["deal", "invoice"])
    static let quantityStems: Set<String> = ["quantity", "qty", "unit", "volume", "item", "piece"]

    /// Groups of entity nouns: a noun is accepted as "the rows" ("how many employees") when any
    /// word of its group appears in a column name.
    /// Words that follow a number column's name without changing it: "the Urban Female
    /// rate", "the sales amount", "price value".
    /// Tail words that say the column is a rate or a ratio: averaged, never summed.
    static let rateWords: Set<String> = ["rate", "ratio", "percentage", "percent", "share"]
    /// Nouns a number column counts, read before "from"/"due to"/"of" and the column: "deaths
    /// from disease" is `Disease`.
    static let countedNouns: Set<String> = ["death", "case"]
    static let countedFromWords: Set<String> = ["from", "due to", "of"]
    /// "who got the lowest score": question words that ask for a row (a person) itself.
    static let personQuestionWords: Set<String> = ["who", "whom", "whose"]
    /// "gdp per capita", "per head": a figure per person.
    static let perPersonWords: Set<String> = ["capita", "head"]
    /// Column-name stems of a population to divide by.
    static let populationStems: Set<String> = ["pop", "population"]
    static let measureTailWords: Set<String> = ["rate", "value", "amount", "figure", "level", "reading", "speed",
                                                "content", "vote", "score", "death", "size", "concentration",
                                                "measurement", "cause"]
    /// Words that follow a category column's name without changing it: "weather type",
    /// "wool kind".
    static let categoryTailWords: Set<String> = ["type", "kind", "class", "sort", "status", "group", "category"]

    /// Generic words for people: they name the rows of a table about people
    /// (`ColumnMatcher.describesPeople`). Not roles ("professor", "manager"): those are
    /// often values of a column.
    static let personNouns: Set<String> = ["person", "people", "employee", "staff", "worker", "folk", "member",
                                           "individual", "respondent", "faculty", "participant", "subject"]
    /// Column name words only people have.
    static let personAttributes: Set<String> = ["sex", "gender", "salary", "wage", "firstname", "lastname", "surname",
                                                "race", "ethnicity"]
    /// Kinds of people a table about people may call its rows ("patients" over a trial with a
    /// `Sex` column), when no column is about another kind of thing.
    static let personKinds: Set<String> = ["patient", "student", "pupil", "participant", "respondent", "subject",
                                           "passenger", "victim", "voter", "mother", "baby", "infant", "person",
                                           "people", "individual", "customer", "client", "employee", "resident"]

    /// Words for the same kind of row: "films" names the rows of `movies`, "autos" of `cars`.
    static let rowNounSynonyms: [[String]] = [
        ["movie", "film", "flick"], ["car", "auto", "automobile", "vehicle"],
        ["job", "occupation", "profession"], ["kid", "child"], ["quake", "earthquake", "tremor"],
    ]

    static let entityGroups: [[String]] = [
        ["employee", "staff", "person", "worker", "people", "emp", "hire", "headcount"],
        ["customer", "client", "buyer", "cust"],
        ["order", "purchase"],
        ["sale", "deal"],
        ["shipment", "ship", "package", "parcel", "delivery"],
        ["appointment", "visit", "booking", "consultation"],
        ["patient"],
        ["reading", "measurement", "sensor", "device"],
        ["product", "item"],
        ["ticket", "request", "issue"],
        ["session", "visit", "pageview", "page"],
        ["trip", "ride", "journey"],
        ["student", "pupil"],
    ]
}
