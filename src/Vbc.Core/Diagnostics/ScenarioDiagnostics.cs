using Vbc.Text;

namespace Vbc.Diagnostics;

/// <summary>
/// Problems in a contract's scenario file (<c>NAME.scenarios</c> beside <c>NAME.vbc</c>, run by <c>vbc test</c>):
/// codes VBC6xxx. Syntax errors in the file are the language's own (VBC1xxx): the file is read by the same parser.
/// </summary>
public static class ScenarioDiagnostics
{
    private static Diagnostic Error(string code, SourceText s, TextSpan span, string message) =>
        new(code, Severity.Error, Location.In(s, span), message);

    public static Diagnostic NotAScenario(SourceText s, TextSpan span, string found) =>
        Error("VBC6001", s, span, $"A scenario file holds only 'scenario \"name\" {{ ... }}' blocks, not '{found}'. Write each case as a scenario block.");

    public static Diagnostic Unnamed(SourceText s, TextSpan span) =>
        Error("VBC6002", s, span, "A scenario needs a name in double quotes after 'scenario', for example 'scenario \"Base year, quality met\" { ... }': failures are reported by it.");

    public static Diagnostic DuplicateName(SourceText s, TextSpan span, string name, int firstLine) =>
        Error("VBC6003", s, span, $"The scenario '{name}' is already defined on line {firstLine}. Give each scenario its own name.");

    public static Diagnostic UnknownEntry(SourceText s, TextSpan span, string key, string? suggestion) =>
        Error("VBC6004", s, span, $"A scenario has no setting '{key}'.{(suggestion is null ? "" : $" Did you mean '{suggestion}'?")} "
            + "Its settings: data, data TABLE, claims, year, inputs { ... }, expect: { \"LINE-ID\": $AMOUNT ... }, total.");

    public static Diagnostic WrongValue(SourceText s, TextSpan span, string key, string expected) =>
        Error("VBC6005", s, span, $"'{key}' takes {expected}.");

    public static Diagnostic GivenTwice(SourceText s, TextSpan span, string key) =>
        Error("VBC6006", s, span, $"'{key}' is given twice in this scenario. Give it once.");

    public static Diagnostic NothingExpected(SourceText s, TextSpan span, string name) =>
        Error("VBC6007", s, span, $"The scenario '{name}' expects nothing, so it could never fail. Add 'expect: {{ \"LINE-ID\": $AMOUNT }}' with the payment lines it must produce, or 'total: $AMOUNT'.");

    public static Diagnostic EmptyFile(SourceText s) =>
        Error("VBC6008", s, default, "The scenario file has no scenarios. Add at least one 'scenario \"name\" { ... }' block, or delete the file.");

    public static Diagnostic TablesNeeded(Location at, string tables) =>
        new("VBC6009", Severity.Error, at, $"The contract reads the tables {tables}: give the scenario's files as 'data TABLE: \"FILE\"', one line per table.");

    public static Diagnostic WrongFigure(Location at, string scenario, string lineId, string expected, string actual, string difference) =>
        new("VBC6010", Severity.Error, at, $"Scenario '{scenario}': {lineId} is {actual}, but the scenario expects {expected} (settled - expected = {difference}).");

    public static Diagnostic NoSuchLine(Location at, string scenario, string lineId, string expected, string? nearest) =>
        new("VBC6011", Severity.Error, at, $"Scenario '{scenario}' expects {expected} on the payment line '{lineId}', but the statement has no such line."
            + (nearest is null ? " Run 'vbc settle ... --format json' to see the lines' ids." : $" Did you mean '{nearest}'?"));
}
