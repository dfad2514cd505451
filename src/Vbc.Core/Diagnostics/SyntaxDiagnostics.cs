using Vbc.Text;

namespace Vbc.Diagnostics;

/// <summary>Problems in reading and parsing contract text: codes VBC1xxx. Documented in docs/diagnostics.md.</summary>
public static class SyntaxDiagnostics
{
    private static Diagnostic Error(string code, Location at, string message) => new(code, Severity.Error, at, message);

    public static Diagnostic NotText(string path, int line, int column, int byteOffset) =>
        Error("VBC1001", new Location(path, line, column),
            $"The file is not text: it holds a zero byte at byte {byteOffset}. A contract is a UTF-8 text file; check that you passed the right file.");

    public static Diagnostic NotUtf8(string path, int line, int column, int byteOffset) =>
        Error("VBC1002", new Location(path, line, column),
            $"The file is not valid UTF-8 at byte {byteOffset}. Save the contract as UTF-8 (most editors offer it under 'Save with encoding').");

    public static Diagnostic EmptyContract(SourceText source) =>
        Error("VBC1003", Location.In(source, new TextSpan(0, 0)),
            "The file holds no contract. Start with a 'contract \"Name\" { ... }' block; see docs/language.md.");

    public static Diagnostic BadCharacter(SourceText source, TextSpan span, string text) =>
        Error("VBC1004", Location.In(source, span),
            $"Unexpected character {Describe(text)}. Remove it, or put text that contains it between double quotes.");

    public static Diagnostic UnclosedString(SourceText source, TextSpan span) =>
        Error("VBC1005", Location.In(source, span),
            "This text is not closed: add a double quote (\") before the end of the line.");

    public static Diagnostic UnclosedComment(SourceText source, TextSpan span) =>
        Error("VBC1006", Location.In(source, span),
            "This comment is not closed: add */ where it should end.");

    public static Diagnostic Unexpected(SourceText source, TextSpan span, string found, string expected) =>
        Error("VBC1007", Location.In(source, span),
            $"Expected {expected}, but found {found}.");

    public static Diagnostic Missing(SourceText source, TextSpan span, string missing, string before) =>
        Error("VBC1008", Location.In(source, span),
            $"Missing {missing} before {before}.");

    public static Diagnostic UnclosedBlock(SourceText source, TextSpan openBrace, string blockName, int line) =>
        Error("VBC1009", Location.In(source, openBrace),
            $"The block '{blockName}' opened on line {line} is not closed: add '}}' where it ends.");

    public static Diagnostic UnmatchedCloseBrace(SourceText source, TextSpan span) =>
        Error("VBC1010", Location.In(source, span),
            "This '}' closes no block. Remove it, or add the '{' it should close.");

    public static Diagnostic NumberOutOfRange(SourceText source, TextSpan span, string text) =>
        Error("VBC1011", Location.In(source, span),
            $"The number {text} is too large or has too many digits (at most 28 significant digits).");

    public static Diagnostic InvalidDate(SourceText source, TextSpan span, string text) =>
        Error("VBC1012", Location.In(source, span),
            $"{text} is not a date. Write dates as YYYY-MM-DD, for example 2024-12-31.");

    public static Diagnostic OneEntryPerLine(SourceText source, TextSpan span, string found) =>
        Error("VBC1013", Location.In(source, span),
            $"The entry is complete before {found}. Put each entry on its own line.");

    public static Diagnostic MissingCloseBrace(SourceText source, TextSpan span, string block, string outer, int outerLine) =>
        Error("VBC1014", Location.In(source, span),
            $"'{block}' starts at the left margin inside '{outer}' (opened on line {outerLine}). Is a '}}' missing before it? It is read as a block of its own.");

    public static Diagnostic NestedTooDeeply(SourceText source, TextSpan span, int limit) =>
        Error("VBC1015", Location.In(source, span),
            $"The contract nests more than {limit} levels deep here (blocks, parentheses, if/else, signs and 'not' each open a level). Nothing else is checked until this is fixed: use fewer levels (a long formula can be split into parts named in 'values').");

    public static Diagnostic TooManyOperators(SourceText source, TextSpan span, int limit) =>
        Error("VBC1016", Location.In(source, span),
            $"This entry has more than {limit} operators. Nothing else is checked until this is fixed: split the value into parts named in 'values' and combine them.");

    public static Diagnostic SemicolonBetweenEntries(SourceText source, TextSpan span) =>
        Error("VBC1004", Location.In(source, span),
            "Unexpected character ';'. An entry ends at the end of its line: remove the ';', and put each entry on its own line.");

    public static Diagnostic TwoEntriesJoinedByComma(SourceText source, TextSpan span, string key) =>
        Error("VBC1013", Location.In(source, span),
            $"The entry is complete before '{key}:'. Put each entry on its own line; a comma separates the values of one entry, not two entries.");

    public static Diagnostic NaturalPhrase(SourceText source, TextSpan span, string message) =>
        Error("VBC1017", Location.In(source, span), message);

    public static Diagnostic YearRangeAsSubtraction(SourceText source, TextSpan span, string first, string last) =>
        Error("VBC1018", Location.In(source, span),
            $"'{first}-{last}' reads as {first} minus {last}. Write a range of years as '{first} to {last}'.");

    internal static string Describe(string text)
    {
        if (text.Length == 1 && (char.IsControl(text[0]) || char.IsWhiteSpace(text[0])))
        {
            return $"U+{(int)text[0]:X4}";
        }
        return $"'{text}'";
    }
}

/// <summary>Problems that belong to no stage: codes VBC0xxx.</summary>
public static class GeneralDiagnostics
{
    public static Diagnostic TooManyDiagnostics(string file, int limit) =>
        new("VBC0001", Severity.Info, Location.OfFile(file),
            $"Only the first {limit} problems are shown; fix these and check again.");

    public static Diagnostic CannotRead(string file, string reason) =>
        new("VBC0002", Severity.Error, Location.OfFile(file), $"Cannot read the file: {reason}");

    /// <summary>A file named inside another (a scenario's data file) that cannot be read, reported where it is named.</summary>
    public static Diagnostic CannotReadNamed(Location namedAt, string file, string reason) =>
        new("VBC0002", Severity.Error, namedAt, $"Cannot read the file '{file}': {reason}");
}
