using Vbc.Text;

namespace Vbc.Diagnostics;

/// <summary>
/// Problems with clause kinds written as C# scripts: the contract's <c>plugins</c> block, loading, the sandbox's checks,
/// and plug-in code that fails or overruns its limits while it runs. Codes VBC7001-VBC7049. A plug-in's own
/// diagnostics carry its own prefix (docs/plugins.md).
/// </summary>
public static class PluginDiagnostics
{
    private static Diagnostic Error(string code, Location at, string message) => new(code, Severity.Error, at, message);

    public static Diagnostic MalformedEntry(SourceText s, TextSpan span, string text) =>
        Error("VBC7001", Location.In(s, span), $"'{text}' does not name a plug-in script. Write 'name: \"plugins/file.csx\"', or 'name: \"plugins/file.csx\" sha256 \"<64 hex digits>\"' to pin its source.");

    public static Diagnostic MalformedPin(SourceText s, TextSpan span, string name, string pin) =>
        Error("VBC7026", Location.In(s, span), $"The pin of the plug-in '{name}' is not a SHA-256: {DescribePin(pin)}, but a SHA-256 is 64 hex digits (0-9, a-f). Write the script's hash as 'sha256sum' prints it.");

    public static Diagnostic PinWithoutValue(SourceText s, TextSpan span, string word) =>
        Error("VBC7027", Location.In(s, span), $"'{word}' needs the script's SHA-256 after it, in quotes: 'name: \"plugins/file.csx\" sha256 \"<64 hex digits>\"'. Remove '{word}' to leave the script unpinned.");

    public static Diagnostic PinOutOfPlace(SourceText s, TextSpan span, string written) =>
        Error("VBC7028", Location.In(s, span), $"'{written}' pins nothing here: only a plug-in's script in the top-level 'plugins' block is pinned, by 'sha256 \"<64 hex digits>\"' after its path. Remove it.");

    public static Diagnostic GroupNotText(Location at, string formula, string declaredBy, string actual) =>
        Error("VBC7029", at, $"The groups of the {formula}, which {declaredBy}, must be a text for each member (a text column, such as a region), but in this contract they are {actual}. Group by a column declared 'text' in the 'data' block.");

    public static Diagnostic UnknownPinKind(SourceText s, TextSpan span, string name, string kind) =>
        Error("VBC7028", Location.In(s, span), $"'{kind}' is not a pin vbc knows (plug-in '{name}'): a script is pinned by the SHA-256 of its source, 'sha256 \"<64 hex digits>\"'.");

    private static string DescribePin(string pin)
    {
        if (pin.Length == 0)
        {
            return "it is empty";
        }
        int bad = pin.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF");
        return bad >= 0 ? $"'{pin}' has '{pin[bad]}', which is not a hex digit" : $"'{pin}' has {pin.Length} digits";
    }

    public static Diagnostic ScriptNotFound(SourceText s, TextSpan span, string name, string looked) =>
        Error("VBC7002", Location.In(s, span), $"The script of the plug-in '{name}' cannot be read (looked for {looked}). Paths are relative to the contract; give --plugins DIR for scripts kept in one folder.");

    public static Diagnostic PinMismatch(SourceText s, TextSpan span, string name, string pinned, string actual) =>
        Error("VBC7003", Location.In(s, span), $"The script of the plug-in '{name}' has SHA-256 {actual}, but the contract pins {pinned}: the script is not the one the contract was agreed with, so it is refused. Restore the agreed script, or agree the new one and pin its hash.");

    public static Diagnostic CompileError(Location at, string compilerCode, string message) =>
        Error("VBC7004", at, $"The plug-in does not compile: {message} ({compilerCode}).");

    public static Diagnostic Refused(Location at, string what, string why) =>
        Error("VBC7005", at, $"The plug-in uses {what}, which plug-ins may not use: {why}. docs/plugins.md lists what plug-ins may use.");

    public static Diagnostic NoClauseKind(Location at, string problem) =>
        Error("VBC7006", at, $"{problem} A plug-in script declares exactly one public class deriving from PluginClause, with a constructor without parameters.");

    public static Diagnostic KeywordClash(SourceText s, TextSpan span, string name, string keyword, string other) =>
        Error("VBC7007", Location.In(s, span), $"The plug-in '{name}' adds the clause '{keyword}', which {other} already defines. Give the plug-in's clause another keyword, or use one of the two.");

    public static Diagnostic NamedTwice(SourceText s, TextSpan span, string name, int firstLine) =>
        Error("VBC7008", Location.In(s, span), $"The plug-in '{name}' is named twice (first on line {firstLine}). Name each plug-in once.");

    public static Diagnostic BadDeclaration(Location at, string problem) =>
        Error("VBC7009", at, $"The plug-in's declarations are not valid: {problem}");

    public static Diagnostic Threw(Location at, string clause, string stage, string exception, string message) =>
        Error("VBC7010", at, $"The plug-in clause '{clause}' failed while {stage}: {exception}: {message}. The settlement is stopped; nothing of this run is paid on a partial result. Correct the plug-in.");

    public static Diagnostic StepLimit(Location at, string clause, long steps) =>
        Error("VBC7011", at, $"The plug-in clause '{clause}' was stopped after {steps:#,##0} steps (loop turns and calls), the limit for one settlement: it loops or recurses without end, or does far more work than a clause needs.");

    public static Diagnostic TimeLimit(Location at, string clause, int milliseconds) =>
        Error("VBC7012", at, $"The plug-in clause '{clause}' was stopped after {milliseconds:#,##0} ms, the time limit for one settlement. Plug-in code runs once per settlement, not per member: it should take milliseconds.");

    public static Diagnostic MemoryLimit(Location at, string clause, long megabytes) =>
        Error("VBC7013", at, $"The plug-in clause '{clause}' was stopped after allocating more than {megabytes:#,##0} MB, the memory limit for one settlement.");

    public static Diagnostic TooDeep(Location at, string clause) =>
        Error("VBC7014", at, $"The plug-in clause '{clause}' was stopped because its calls nested too deeply (recursion without end): the stack would have overflowed.");

    public static Diagnostic PerMemberUnit(Location at, string formula, string declaredBy, string expected, string actual) =>
        Error("VBC7015", at, $"The {formula}, which {declaredBy}, must be {expected}, but in this contract it is {actual}. Check the types of the columns it reads in the 'data' block.");

    public static Diagnostic PerMemberCondition(Location at, string formula, string declaredBy, string actual) =>
        Error("VBC7016", at, $"The condition of the {formula}, which {declaredBy}, must be a yes/no condition, but in this contract it is {actual}. Check the types of the columns it reads in the 'data' block.");

    public static Diagnostic PerMemberReadsNoColumn(Location at, string formula, string declaredBy) =>
        Error("VBC7017", at, $"The {formula}, which {declaredBy}, reads no column of the data, so it is not worked out per member. Give the setting it reads a per-member value (columns), or declare the plug-in's sum over a column.");


    public static Diagnostic WrongCount(Location at, string key, string clause, string problem) =>
        Error("VBC7018", at, $"'{key}' of '{clause}': {problem}. Write one value for each the plug-in's documentation asks for (vbc doc SCRIPT.csx).");

    public static Diagnostic RowKeyIsRange(Location at, string key, string clause) =>
        Error("VBC7019", at, $"A row of '{key}' of '{clause}' has a range as its key; this table's rows each have one key value. Write one value left of the colon.");

    public static Diagnostic RowsOutOfOrder(Location at, string key, string clause, string problem) =>
        Error("VBC7020", at, $"The table '{key}' of '{clause}' is out of order: {problem}. Correct the rows, one for each key.");
}
