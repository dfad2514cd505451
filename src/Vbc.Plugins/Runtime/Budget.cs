using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Vbc.Plugins.Runtime;

/// <summary>
/// The checks the host injects into plug-in code (at the entry of every method, accessor, lambda and local function,
/// and at the top of every loop body). They count steps, and every 16 steps compare the time and the bytes this
/// thread allocated with the limits; each entry also makes sure the stack has room for more calls, so recursion
/// without end stops with a diagnostic instead of overflowing the stack (which would end the process).
/// Plug-in code cannot name this class: the sandbox refuses every vbc type outside the author API.
/// </summary>
public static class Budget
{
    [ThreadStatic]
    private static Meter? t_meter;

    public static void Enter()
    {
        var meter = t_meter ?? throw new InvalidOperationException("Plug-in code ran outside the host's limits.");
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new BudgetExceeded(Limit.Depth);
        }
        meter.Step();
    }

    public static void Loop()
    {
        var meter = t_meter ?? throw new InvalidOperationException("Plug-in code ran outside the host's limits.");
        meter.Step();
    }

    /// <summary>A field or property initialiser, run by a constructor before its body: entered like a method.</summary>
    public static T Then<T>(Func<T> initializer)
    {
        Enter();
        return initializer();
    }

    internal static void Attach(Meter meter) => t_meter = meter;

    internal static void Detach() => t_meter = null;
}

internal enum Limit
{
    Steps,
    Time,
    Memory,
    Depth,
}

/// <summary>Thrown by the injected checks. Plug-ins cannot catch it: the sandbox lets them catch only a few exception types.</summary>
internal sealed class BudgetExceeded : Exception
{
    public BudgetExceeded(Limit limit) : base($"The plug-in overran its {limit} limit.") => Limit = limit;

    public Limit Limit { get; }
}

/// <summary>One run's counters, on the thread that runs the plug-in.</summary>
internal sealed class Meter
{
    private readonly PluginLimits _limits;
    private readonly long _startTicks = Stopwatch.GetTimestamp();
    private readonly long _startBytes = GC.GetAllocatedBytesForCurrentThread();
    private long _steps;

    public Meter(PluginLimits limits) => _limits = limits;

    public long Steps => _steps;

    public void Step()
    {
        if (++_steps > _limits.Steps)
        {
            throw new BudgetExceeded(Limit.Steps);
        }
        if ((_steps & 15) == 0)
        {
            if (Stopwatch.GetElapsedTime(_startTicks).TotalMilliseconds > _limits.TimeMilliseconds)
            {
                throw new BudgetExceeded(Limit.Time);
            }
            if (GC.GetAllocatedBytesForCurrentThread() - _startBytes > _limits.MemoryBytes)
            {
                throw new BudgetExceeded(Limit.Memory);
            }
        }
    }
}
