using System.Diagnostics;
using System.Reflection;
using Vbc.Clauses.Authoring;
using Vbc.Diagnostics;
using Vbc.Plugins.Runtime;
using Location = Vbc.Diagnostics.Location;

namespace Vbc.Plugins;

/// <summary>
/// Runs plug-in code under its limits, on a thread of its own (with its own stack, so the stack check means the same
/// everywhere) that vbc waits for. The injected checks stop the code at its step, time, memory or depth limit; code
/// inside one library call between two checks (one LINQ call over a huge range) is bounded by the wall clock: after
/// the time limit and a grace second vbc stops waiting, revokes the plug-in's access to the statement and reports
/// the overrun, and the abandoned thread (a background thread) cannot keep vbc from exiting. Whatever the plug-in
/// throws becomes a diagnostic at its script position, naming the clause.
/// </summary>
internal sealed class SandboxedRunner : IPluginRunner
{
    private readonly PluginLimits _limits;
    private readonly string _scriptPath;
    // The plug-in's assembly, by name: "vbc-plugin-" and its cache key, one per script content.
    private readonly string? _assemblyName;

    public SandboxedRunner(PluginLimits limits, string scriptPath, Assembly assembly)
    {
        _limits = limits;
        _scriptPath = scriptPath;
        _assemblyName = assembly.GetName().Name;
    }

    public Diagnostic? Run(PluginCall call)
    {
        var at = Location.In(call.Contract, call.Clause.Syntax.Header.Span);
        string title = call.Clause.Title;
        string stage = call.Stage switch
        {
            "settle" => "settling",
            "check" => "checking the contract",
            _ => call.Stage,
        };
        return Run(call.Body, call.Gate, title, stage, at);
    }

    /// <summary>Runs plug-in code (a call, or the plug-in's construction): null when it ended normally.</summary>
    public Diagnostic? Run(Action body, CallGate gate, string clause, string stage, Location at)
    {
        Exception? failure = null;
        Meter? meter = null;
        var thread = new Thread(() =>
        {
            meter = new Meter(_limits);
            Budget.Attach(meter);
            try
            {
                body();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                Budget.Detach();
            }
        }, _limits.StackBytes)
        {
            IsBackground = true,
            Name = "vbc plug-in " + clause,
        };
        thread.Start();
        if (!thread.Join(_limits.TimeMilliseconds + 1_000))
        {
            gate.Revoke();
            return PluginDiagnostics.TimeLimit(at, clause, _limits.TimeMilliseconds);
        }
        return failure switch
        {
            null or PluginStopped => null,
            BudgetExceeded { Limit: Limit.Steps } => PluginDiagnostics.StepLimit(ScriptPosition(failure) ?? at, clause, meter?.Steps ?? _limits.Steps),
            BudgetExceeded { Limit: Limit.Time } => PluginDiagnostics.TimeLimit(ScriptPosition(failure) ?? at, clause, _limits.TimeMilliseconds),
            BudgetExceeded { Limit: Limit.Memory } or OutOfMemoryException => PluginDiagnostics.MemoryLimit(ScriptPosition(failure) ?? at, clause, _limits.MemoryBytes >> 20),
            BudgetExceeded { Limit: Limit.Depth } or InsufficientExecutionStackException => PluginDiagnostics.TooDeep(ScriptPosition(failure) ?? at, clause),
            _ => PluginDiagnostics.Threw(ScriptPosition(failure) ?? at, clause, stage, failure.GetType().Name, failure.Message.TrimEnd('.')),
        };
    }

    /// <summary>The innermost frame of the plug-in's own code, as a position in its script (from the embedded PDB).</summary>
    private Location? ScriptPosition(Exception e)
    {
        foreach (var frame in new StackTrace(e, fNeedFileInfo: true).GetFrames())
        {
            // DiagnosticMethodInfo, not GetMethod(): it names the frame's assembly without reflection over its metadata.
            if (DiagnosticMethodInfo.Create(frame)?.DeclaringAssemblyName is { } declaring && new AssemblyName(declaring).Name == _assemblyName
                && frame.GetFileLineNumber() > 0)
            {
                return new Location(_scriptPath, frame.GetFileLineNumber(), Math.Max(1, frame.GetFileColumnNumber()));
            }
        }
        return null;
    }
}
