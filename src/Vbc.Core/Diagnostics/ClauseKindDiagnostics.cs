namespace Vbc.Diagnostics;

/// <summary>
/// Defects of a clause kind's own code (built in or a plug-in) found while a contract settles: a kind that reads a value
/// it did not declare, or one that no clause computed. Codes VBC7030-VBC7039. The settlement stops with a diagnostic
/// naming the clause, never with an exception.
/// </summary>
public static class ClauseKindDiagnostics
{
    private static Diagnostic Error(string code, Location at, string message) => new(code, Severity.Error, at, message);

    public static Diagnostic UndeclaredRead(Location at, string clause, string kind, string name, string declared) =>
        Error("VBC7030", at,
            $"The clause '{clause}' read the value '{name}' without declaring it (it declares {declared}). Settling in the right order needs every value a clause reads declared: this is a defect of the clause kind '{kind}', not of the contract; the settlement is stopped. Declare '{name}' among the values the kind reads.");

    public static Diagnostic ValueNotComputed(Location at, string clause, string name, int year) =>
        Error("VBC7031", at,
            $"The clause '{clause}' needs the value '{name}', which no clause of the contract computes in {year}. Add the clause that computes '{name}' (in this year's level, or at the top).");
}
