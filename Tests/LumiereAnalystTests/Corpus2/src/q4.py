R = None
Q = {}
Q["stocks"] = [
("time", "MSFT price in Mar 2007", "SELECT price FROM data WHERE symbol = 'MSFT' AND date = '2007-03-01'", {}),
("time", "yearly max price for AAPL", "SELECT strftime('%Y', date), MAX(price) FROM data WHERE symbol = 'AAPL' GROUP BY strftime('%Y', date)", {}),
("share", "what percent of the rows are IBM", "SELECT 100.0 * SUM(symbol = 'IBM') / COUNT(*) FROM data", {"alt_sql": ["SELECT 1.0 * SUM(symbol = 'IBM') / COUNT(*) FROM data"]}),
("unanswerable", "what is the dividend yield of each stock", R, {}),
]
Q["airquality"] = [
("grouped", "average temperature and wind for each month", 'SELECT Month, AVG(Temp), AVG(Wind) FROM data GROUP BY Month', {}),
("filter", "hottest day in June", 'SELECT Day FROM data WHERE Month = 6 ORDER BY Temp DESC LIMIT 1', {"alt_sql": ['SELECT Month, Day FROM data WHERE Month = 6 ORDER BY Temp DESC LIMIT 1', 'SELECT Day, Temp FROM data WHERE Month = 6 ORDER BY Temp DESC LIMIT 1']}),
]
Q["mtcars"] = [
("grouped", "avg weight for each transmission type", 'SELECT am, AVG(wt) FROM data GROUP BY am', {}),
("chatty", "I'd like to know how many cars have 3 gears, in this data", 'SELECT COUNT(*) FROM data WHERE gear = 3', {}),
("unanswerable", "what year was each car made", R, {}),
]
Q["msleep"] = [
("grouped", "average brain weight by conservation status", 'SELECT conservation, AVG(brainwt) FROM data GROUP BY conservation', {}),
("filter", "how many omnivores sleep less than 10 hours", "SELECT COUNT(*) FROM data WHERE vore = 'omni' AND sleep_total < 10", {}),
]
Q["diamonds"] = [
("filter", "cheapest diamond over 2 carats", 'SELECT MIN(price) FROM data WHERE carat > 2', {}),
("grouped", "avg carat per clarity", 'SELECT clarity, AVG(carat) FROM data GROUP BY clarity', {}),
]
Q["salaries"] = [
("share", "share of professors in discipline B", "SELECT 100.0 * SUM(discipline = 'B') / COUNT(*) FROM data WHERE rank = 'Prof'", {"alt_sql": ["SELECT 1.0 * SUM(discipline = 'B') / COUNT(*) FROM data WHERE rank = 'Prof'"]}),
("unanswerable", "average bonus by rank", R, {}),
]
Q["seattle_weather"] = [
("time", "average low temperature per year", "SELECT strftime('%Y', date), AVG(temp_min) FROM data GROUP BY strftime('%Y', date)", {}),
]
Q["warpbreaks"] = [
("unanswerable", "what is the cost of each break", R, {}),
("grouped", "total breaks per tension for wool A", "SELECT tension, SUM(breaks) FROM data WHERE wool = 'A' GROUP BY tension", {}),
]
