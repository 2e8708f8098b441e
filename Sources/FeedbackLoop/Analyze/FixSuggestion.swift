/// The rule-based fix a pattern's report recommends. The first two rules are the
/// original tool's; its third ("Review … implementation") remains the fallback, and
/// each article gets its own advice in between.
public enum FixSuggestion {
    public static func `for`(function: String, articles: ArticleSet) -> String {
        if function.lowercased().contains("mock") {
            return "Consider test isolation exception OR refactor test infrastructure"
        }
        if articles.contains(.article(5)) {
            return "Add spec.md files for existing features OR adjust Article V threshold"
        }
        if articles.contains(.article(2)) {
            return "Add the missing tests or test infrastructure that \(function) depends on (Article II)"
        }
        if articles.contains(.article(1)) {
            return "Load and validate complete context before \(function) acts (Article I)"
        }
        if articles.contains(.article(3)) {
            return "Route \(function)'s changes through review and quality gates, never straight to main (Article III)"
        }
        if articles.contains(.article(4)) {
            return "Record what \(function) learns so the next run reuses it (Article IV)"
        }
        return "Review \(function) implementation for constitutional compliance"
    }
}
