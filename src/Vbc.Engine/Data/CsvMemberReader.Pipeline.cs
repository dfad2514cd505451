using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using Vbc.Diagnostics;

namespace Vbc.Data;

public sealed partial class CsvMemberReader
{
    private const int MinBufferBytes = 64 * 1024;
    private const int MaxBufferBytes = 128 << 20;
    private const int MaxReadBytes = 1 << 20;
    private const int CheckpointShift = 5; // a checkpoint every 32 data rows, for re-reading a row's id

    private readonly ConcurrentBag<byte[]> _buffers = new();
    private readonly ConcurrentBag<int[]> _rowArrays = new();
    private readonly ConcurrentBag<Array[]> _recycledColumns = new();
    private readonly ConcurrentBag<long[]> _recycledLines = new();
    private readonly ConcurrentBag<ulong[]> _hashArrays = new();
    private readonly ConcurrentBag<byte[]> _idByteArrays = new();
    private readonly ConcurrentBag<int[]> _idEndArrays = new();
    private int _bufferTarget = 256 * 1024;
    private byte[]? _claimsMatched;

    /// <summary>Memory held by the duplicate-id check at the end of the read (hash tables and row checkpoints).</summary>
    internal long DuplicateCheckBytes { get; private set; }

    /// <summary>
    /// The SHA-256 of every byte of the file (lower-case hex), computed by the producer as it reads, so the statement's
    /// record of the input needs no second pass over the file. Null until the producer has read the file to its end
    /// (reading stopped early, or not started).
    /// </summary>
    public string? ContentSha256 { get; private set; }

    /// <summary>
    /// About how many data rows the file holds, from the length of the first chunk's rows (a tenth more); null until
    /// the first batch is delivered.
    /// </summary>
    public long? RowEstimate { get; private set; }

    /// <summary>
    /// The batches, in file order. Rows are parsed in parallel, a few batches ahead; rows with problems are never in a
    /// batch (see <see cref="MemberReadResult.BadRows"/>). Enumerate once; <see cref="Result"/> is set when the
    /// enumeration ends (also when it is abandoned early, then with <see cref="MemberReadResult.Complete"/> false).
    /// Batches are numbered 0, 1, 2, ... as delivered. When rows of a batch were left out, its rows are not
    /// consecutive data rows: <see cref="ColumnBatch.FirstDataRow"/> is the data row of its first row, and
    /// <see cref="ColumnBatch.Lines"/> gives each row's line. Arrays are exactly <see cref="ColumnBatch.RowCount"/> long.
    /// </summary>
    public IEnumerable<ColumnBatch> ReadBatches()
    {
        if (_started)
        {
            throw new InvalidOperationException("ReadBatches() can be enumerated only once.");
        }
        _started = true;
        return Iterate();
    }

    private IEnumerable<ColumnBatch> Iterate()
    {
        var state = new ReadState(_options.BadRows);
        if (!CanRead)
        {
            Finish(state, complete: false);
            yield break;
        }
        if (_options.Claims is not null)
        {
            _claimsMatched = new byte[_options.Claims.MemberCount];
        }
        using var cancel = new CancellationTokenSource();
        // Chunks in file order, as promises of their parsed form; its capacity bounds the chunks in flight (memory).
        var ordered = new BlockingCollection<Task<ParsedChunk>>(_options.MaxParallelism + 1);
        var work = new BlockingCollection<RawChunk>(_options.MaxParallelism);
        var producer = Task.Factory.StartNew(() => Produce(ordered, work, cancel.Token), cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        // Dedicated threads rather than the thread pool: the caller may block a pool thread on the batches.
        var workers = Enumerable.Range(0, _options.MaxParallelism)
            .Select(_ => Task.Factory.StartNew(() => Work(work, cancel.Token), cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        bool complete = false;
        try
        {
            bool stopped = false;
            foreach (var task in ordered.GetConsumingEnumerable())
            {
                var chunk = task.GetAwaiter().GetResult();
                var batch = Sequence(chunk, state, out bool stop);
                if (batch is not null)
                {
                    yield return batch;
                    if (_options.RecycleBatches)
                    {
                        Recycle(batch);
                    }
                }
                if (stop)
                {
                    stopped = true;
                    break;
                }
            }
            complete = !stopped;
        }
        finally
        {
            cancel.Cancel();
            try
            {
                Task.WaitAll(workers.Append(producer).ToArray());
            }
            catch (AggregateException)
            {
                // The producer reports its own failures through the queue; cancellation lands here.
            }
            Finish(state, complete);
        }
    }

    /// <summary>The caller is done with the batch (it asked for the next one): its arrays serve a later batch.</summary>
    private void Recycle(ColumnBatch batch)
    {
        int size = _options.BatchSize;
        if (batch.Utf8Text is { } ids)
        {
            ReturnIdBytes(ids);
        }
        batch.ReturnMadeDecimals();
        var columns = batch.ColumnArrays;
        if (batch.RowCount != size || batch.Lines.Length != size || columns.Any(c => c.Length != size))
        {
            return; // a short or compacted batch
        }
        if (_recycledColumns.Count < _options.MaxParallelism + 3)
        {
            _recycledColumns.Add(columns);
            _recycledLines.Add(batch.Lines);
        }
    }

    private void Work(BlockingCollection<RawChunk> work, CancellationToken cancel)
    {
        try
        {
            foreach (var raw in work.GetConsumingEnumerable(cancel))
            {
                try
                {
                    raw.Parsed.SetResult(Parse(raw));
                }
                catch (Exception e)
                {
                    raw.Parsed.SetException(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // -------------------------------------------------------------------------------------------------------------
    // Stage 1 (one thread): read bytes, find row boundaries, hand chunks of rows to parse tasks.

    private void Produce(BlockingCollection<Task<ParsedChunk>> queue, BlockingCollection<RawChunk> work, CancellationToken cancel)
    {
        try
        {
            ProduceChunks(queue, work, cancel);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryAdd(queue, ParsedChunk.FatalOnly(GeneralDiagnostics.CannotRead(_file, e.Message)), cancel);
        }
        finally
        {
            work.CompleteAdding();
            queue.CompleteAdding();
        }
    }

    private static void TryAdd(BlockingCollection<Task<ParsedChunk>> queue, ParsedChunk chunk, CancellationToken cancel)
    {
        try
        {
            queue.Add(Task.FromResult(chunk), cancel);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProduceChunks(BlockingCollection<Task<ParsedChunk>> queue, BlockingCollection<RawChunk> work, CancellationToken cancel)
    {
        var handle = _handle!;
        int batchSize = _options.BatchSize;
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        HashRange(sha256, 0, _dataStart);
        long filePos = _dataStart;
        long line = _dataStartLine;
        long nextDataRow = 1;
        bool eof = filePos >= _fileLength;
        byte[] buffer = RentBuffer(_bufferTarget);
        long bufferOffset = filePos;
        int filled = 0;
        int chunkIndex = 0;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            int[] starts = RentRows();
            int[] ends = RentRows();
            var lines = _recycledLines.TryTake(out var reused) ? reused : new long[batchSize];
            int count = 0;
            int pos = 0;
            int unclosedRow = -1;
            int unclosedAt = -1;
            Diagnostic? fatal = null;
            while (count < batchSize)
            {
                var data = buffer.AsSpan(0, filled);
                if (CsvSyntax.FindRowEnd(data, pos, eof, out int term, out int newlines, out int openQuote))
                {
                    int end = term > pos && data[term - 1] == CsvSyntax.Cr ? term - 1 : term;
                    if (end - pos > _options.MaxRowBytes)
                    {
                        fatal = DataDiagnostics.RowTooLong(_file, line, nextDataRow + count, _options.MaxRowBytes);
                        break;
                    }
                    if (end > pos)
                    {
                        starts[count] = pos;
                        ends[count] = end;
                        lines[count] = line;
                        count++;
                    }
                    line += 1 + newlines;
                    pos = term + 1;
                    continue;
                }
                if (eof)
                {
                    if (pos < filled)
                    {
                        // The last row, without a line feed after it.
                        int end = filled;
                        if (openQuote < 0 && data[end - 1] == CsvSyntax.Cr)
                        {
                            end--;
                        }
                        if (openQuote < 0 && end - pos > _options.MaxRowBytes)
                        {
                            fatal = DataDiagnostics.RowTooLong(_file, line, nextDataRow + count, _options.MaxRowBytes);
                            break;
                        }
                        if (end > pos)
                        {
                            if (openQuote >= 0)
                            {
                                unclosedRow = count;
                                unclosedAt = openQuote;
                            }
                            starts[count] = pos;
                            ends[count] = end;
                            lines[count] = line;
                            count++;
                        }
                        line += newlines;
                        pos = filled;
                    }
                    break;
                }
                if (filled == buffer.Length)
                {
                    if (filled - pos >= _options.MaxRowBytes)
                    {
                        fatal = DataDiagnostics.RowTooLong(_file, line, nextDataRow + count, _options.MaxRowBytes);
                        break;
                    }
                    if (count > 0 && buffer.Length >= MaxBufferBytes)
                    {
                        break; // a short batch: rows are too long to hold a full batch in the largest buffer
                    }
                    var bigger = new byte[(int)Math.Min((long)buffer.Length * 2, Array.MaxLength)];
                    buffer.AsSpan(0, filled).CopyTo(bigger);
                    buffer = bigger;
                }
                int readSize = Math.Min(buffer.Length - filled, Math.Max(MaxReadBytes / 16, Math.Min(MaxReadBytes, _bufferTarget / 4)));
                int n = RandomAccess.Read(handle, buffer.AsSpan(filled, readSize), filePos);
                if (n == 0)
                {
                    eof = true;
                    ContentSha256 = Convert.ToHexStringLower(sha256.GetHashAndReset());
                }
                sha256.AppendData(buffer, filled, n);
                filePos += n;
                filled += n;
            }

            if (count > 0)
            {
                if (chunkIndex == 0)
                {
                    // Size the buffers to hold a full batch from now on.
                    long used = ends[count - 1] - starts[0] + 2;
                    long perRow = Math.Max(1, used / count);
                    _bufferTarget = (int)Math.Clamp(perRow * batchSize * 5 / 4 + MinBufferBytes, MinBufferBytes, MaxBufferBytes);
                }
                var raw = new RawChunk(chunkIndex++, buffer, bufferOffset, count, starts, ends, lines, nextDataRow, unclosedRow, unclosedAt);
                nextDataRow += count;
                queue.Add(raw.Parsed.Task, cancel);
                work.Add(raw, cancel);
                byte[] next = RentBuffer(Math.Max(_bufferTarget, filled - pos));
                buffer.AsSpan(pos, filled - pos).CopyTo(next);
                bufferOffset += pos;
                filled -= pos;
                buffer = next;
            }
            else
            {
                ReturnRows(starts);
                ReturnRows(ends);
            }
            if (fatal is not null)
            {
                queue.Add(Task.FromResult(ParsedChunk.FatalOnly(fatal)), cancel);
                return;
            }
            if (eof && (count == 0 || filled == 0))
            {
                ReturnBuffer(buffer);
                return;
            }
        }
    }

    /// <summary>Adds the bytes of the file from <paramref name="start"/> to <paramref name="end"/> (the header, read before the producer starts) to the hash.</summary>
    private void HashRange(IncrementalHash hash, long start, long end)
    {
        var buffer = new byte[(int)Math.Min(Math.Max(end - start, 1), MaxReadBytes)];
        while (start < end)
        {
            int n = ReadAt(_handle!, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - start)), start);
            if (n == 0)
            {
                return;
            }
            hash.AppendData(buffer, 0, n);
            start += n;
        }
    }

    private byte[] RentBuffer(int minimum)
    {
        while (_buffers.TryTake(out var b))
        {
            if (b.Length >= minimum)
            {
                return b;
            }
        }
        return GC.AllocateUninitializedArray<byte>(Math.Max(minimum, MinBufferBytes));
    }

    private void ReturnBuffer(byte[] buffer)
    {
        if (_buffers.Count < _options.MaxParallelism + 3)
        {
            _buffers.Add(buffer);
        }
    }

    private int[] RentRows() => _rowArrays.TryTake(out var a) ? a : new int[_options.BatchSize];

    private void ReturnIdBytes(Utf8TextColumn ids)
    {
        if (_idByteArrays.Count < 2 * _options.MaxParallelism + 6)
        {
            _idByteArrays.Add(ids.Bytes);
            _idEndArrays.Add(ids.Ends);
        }
    }

    private void ReturnRows(int[] rows)
    {
        if (_rowArrays.Count < 2 * _options.MaxParallelism + 6)
        {
            _rowArrays.Add(rows);
        }
    }

    // -------------------------------------------------------------------------------------------------------------
    // Stage 2 (parallel): split each row into fields and parse the requested ones into typed arrays.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ParsedChunk Parse(RawChunk raw)
    {
        int count = raw.Count;
        var buffer = raw.Buffer;
        var plans = _plans;
        Array[]? recycled = count == _options.BatchSize && _recycledColumns.TryTake(out var set) ? set : null;
        var columns = new Array[plans.Length];
        var numbers = new NumberCells(plans.Length, count);
        var flags = new bool[plans.Length][];
        var texts = new string[plans.Length][];
        var dates = new DateOnly[plans.Length][];
        for (int p = 0; p < plans.Length; p++)
        {
            switch (plans[p].Spec.Storage)
            {
                case ColumnStorage.Decimal:
                    numbers.Start(p, recycled?[p]);
                    break;
                case ColumnStorage.Flag:
                    columns[p] = flags[p] = recycled?[p] as bool[] ?? new bool[count];
                    break;
                case ColumnStorage.Text:
                    columns[p] = texts[p] = recycled?[p] as string[] ?? new string[count];
                    break;
                default:
                    columns[p] = dates[p] = recycled?[p] as DateOnly[] ?? new DateOnly[count];
                    break;
            }
        }
        var lines = raw.Lines;
        if (lines.Length != count)
        {
            Array.Resize(ref lines, count);
        }
        ulong[]? hashes = null;
        // Each row's id as the file's bytes, one after another (an empty id for a row whose id was not read): the
        // duplicate-id check compares them, and the batch keeps them instead of a string per member unless claims,
        // looked up by id string, are read too.
        byte[] idBytes = Array.Empty<byte>();
        int[] idEnds = Array.Empty<int>();
        int idLength = 0;
        bool stringIds = _options.Claims is not null;
        if (_idPlan >= 0)
        {
            if (!_idByteArrays.TryTake(out idBytes!))
            {
                idBytes = new byte[Math.Max(1024, count * 16)];
            }
            idEnds = _idEndArrays.TryTake(out var reusedEnds) && reusedEnds.Length >= count ? reusedEnds : new int[Math.Max(count, _options.BatchSize)];
            if (_hashArrays.TryTake(out var reusedHashes) && reusedHashes.Length == count)
            {
                Array.Clear(reusedHashes);
                hashes = reusedHashes;
            }
            else
            {
                hashes = new ulong[count];
            }
        }
        int idField = _idPlan >= 0 ? plans[_idPlan].Field : -1;
        var claims = _options.Claims;
        var claimsPlans = _claimsPlans;
        var filePlans = _filePlans;
        bool plainRows = _options.PlainRows && filePlans.Length > 0;
        // Room for the fields up to the last one read: the tokenizer only counts the commas after it.
        var fields = new FieldRef[filePlans.Length == 0 ? 0 : filePlans[^1].Field + 1];
        var failed = new bool[plans.Length];
        var lastText = new byte[]?[plans.Length];
        var lastString = new string?[plans.Length];
        byte[]? scratch = null;
        List<BadRowDraft>? bad = null;

        int plainCount = 0;
        for (int r = 0; r < count; r++)
        {
            if (_idPlan >= 0)
            {
                idEnds[r] = idLength;
            }
            BadRowDraft? draft = null;
            if (plainRows && r != raw.UnclosedRow
                && TryReadPlainRow(buffer, raw.Starts[r], raw.Ends[r], r, numbers, flags, texts, dates, ref idBytes, ref idLength, idEnds, hashes, stringIds, lastText, lastString))
            {
                plainCount++;
                goto Claims;
            }
            // The exact path: every field located, quotes and UTF-8 checked, each problem reported.
            var row = buffer.AsSpan(raw.Starts[r], raw.Ends[r] - raw.Starts[r]);
            long dataRow = raw.FirstDataRow + r;
            long line = lines[r];
            // A valid row has valid fields (they are split at ASCII bytes); only an invalid one is checked field by field.
            bool allUtf8 = Utf8.IsValid(row);
            int n = CsvSyntax.SplitFields(row, fields);
            if (r == raw.UnclosedRow || n != _fieldCount)
            {
                draft = new BadRowDraft(r);
                draft.Problems.Add(r == raw.UnclosedRow
                    ? DataDiagnostics.UnclosedQuote(_file, line, CsvSyntax.CharColumn(row, raw.UnclosedAt - raw.Starts[r]), dataRow)
                    : DataDiagnostics.RaggedRow(_file, line, dataRow, _fieldCount, n, _rowSeverity));
                if (idField >= 0 && idField < Math.Min(n, fields.Length) && (fields[idField].Flags & (FieldFlags.BadQuote | FieldFlags.Unclosed)) == 0)
                {
                    var idText = CsvSyntax.Trim(CsvSyntax.Content(row, fields[idField], ref scratch));
                    if (idText.Length > 0 && Utf8.IsValid(idText))
                    {
                        draft.Id = Encoding.UTF8.GetString(idText);
                    }
                }
                foreach (int m in _moneyPlans)
                {
                    draft.UnreadMoney.Add(plans[m].Header);
                }
                ClearRow(plans, r, numbers, flags, texts, dates);
                (bad ??= new()).Add(draft);
                continue;
            }

            for (int i = 0; i < filePlans.Length; i++)
            {
                var plan = filePlans[i];
                int p = plan.SpecIndex;
                ref FieldRef f = ref fields[plan.Field];
                scoped ReadOnlySpan<byte> content;
                if (f.Flags == FieldFlags.None && allUtf8)
                {
                    // The common case: unquoted, in a chunk of valid UTF-8.
                    content = CsvSyntax.Trim(row.Slice(f.Start, f.End - f.Start));
                }
                else
                {
                    if ((f.Flags & FieldFlags.BadQuote) != 0)
                    {
                        Fail(ref draft, r, p, DataDiagnostics.BadQuote(_file, line, CsvSyntax.CharColumn(row, f.RawStart), dataRow, plan.Header, _rowSeverity));
                        continue;
                    }
                    content = CsvSyntax.Trim(CsvSyntax.Content(row, f, ref scratch));
                    if (!allUtf8 && !Utf8.IsValid(content))
                    {
                        Fail(ref draft, r, p, DataDiagnostics.NotUtf8(_file, line, CsvSyntax.CharColumn(row, f.RawStart), dataRow, plan.Header, _rowSeverity));
                        continue;
                    }
                }
                ParseOutcome outcome;
                switch (plan.Kind)
                {
                    case PlanKind.Decimal:
                        outcome = ValueParsers.ParseDecimal(content, plan.AllowDollar, out decimal number);
                        numbers.SetIf(outcome, p, r, number); // a value not read is cleared below: it fixes no scale
                        break;
                    case PlanKind.Percent or PlanKind.Count or PlanKind.Year or PlanKind.MemberMonths:
                        outcome = ValueParsers.ParseNumber(plan.Kind, content, plan.AllowDollar, out number);
                        numbers.SetIf(outcome, p, r, number);
                        break;
                    case PlanKind.Flag:
                        outcome = ValueParsers.ParseFlag(content, out flags[p][r]);
                        break;
                    case PlanKind.Date:
                        outcome = ValueParsers.ParseDate(content, out dates[p][r]);
                        break;
                    default:
                        if (content.Length == 0 && plan.Required)
                        {
                            outcome = ParseOutcome.Empty;
                            texts[p][r] = "";
                            break;
                        }
                        outcome = ParseOutcome.Ok;
                        if (p == _idPlan)
                        {
                            AppendId(content, r, ref idBytes, ref idLength, hashes!, stringIds ? texts[p] : null);
                            idEnds[r] = idLength;
                        }
                        else
                        {
                            texts[p][r] = CachedString(content, ref lastText[p], ref lastString[p]);
                        }
                        break;
                }
                if (outcome != ParseOutcome.Ok)
                {
                    Fail(ref draft, r, p, Problem(outcome, plan, line, CsvSyntax.CharColumn(row, f.RawStart), dataRow, content));
                }
            }

        Claims:
            if (claimsPlans.Length > 0)
            {
                string? id = _idPlan >= 0 && hashes![r] != 0 ? texts[_idPlan][r] : null; // claims: ids are strings
                int member = -1;
                if (id is not null && claims!.TryFindMember(id, out int found))
                {
                    member = found;
                    _claimsMatched![member] = 1;
                }
                foreach (var plan in claimsPlans)
                {
                    if (id is null)
                    {
                        numbers.Set(plan.SpecIndex, r, 0m);
                        failed[plan.SpecIndex] = true;
                        draft ??= new BadRowDraft(r); // cannot happen without another problem, kept for safety
                    }
                    else
                    {
                        numbers.Set(plan.SpecIndex, r, member >= 0 ? claims!.Amount(member, plan.ClaimsCategory) : 0m);
                    }
                }
            }

            if (draft is not null)
            {
                if (_idPlan >= 0 && !failed[_idPlan])
                {
                    draft.Id = Encoding.UTF8.GetString(idBytes.AsSpan(r == 0 ? 0 : idEnds[r - 1], idEnds[r] - (r == 0 ? 0 : idEnds[r - 1])));
                }
                SumDollars(draft, plans, m => numbers.Get(m, r), failed);
                Array.Clear(failed);
                (bad ??= new()).Add(draft);
            }
        }

        Interlocked.Add(ref _plainRowsRead, plainCount);
        var ids = _idPlan >= 0 ? new Utf8TextColumn(_idPlan, idBytes, idEnds) : null;
        var unitScales = numbers.Finish(columns);
        return new ParsedChunk(raw, count, lines, columns, hashes, bad) { IdBytes = ids, StringIds = stringIds, UnitScales = unitScales };

        void Fail(ref BadRowDraft? draft, int r, int p, Diagnostic problem)
        {
            draft ??= new BadRowDraft(r);
            draft.Problems.Add(problem);
            failed[p] = true;
            ClearCell(plans, p, r, numbers, flags, texts, dates);
        }
    }

    /// <summary>The dollars of a row left out: <paramref name="money"/> gives its value in a money plan.</summary>
    private void SumDollars(BadRowDraft draft, ColumnPlan[] plans, Func<int, decimal> money, bool[] failed)
    {
        foreach (int m in _moneyPlans)
        {
            if (failed[m])
            {
                draft.UnreadMoney.Add(plans[m].Header);
                continue;
            }
            try
            {
                draft.Dollars += money(m);
            }
            catch (OverflowException)
            {
                draft.UnreadMoney.Add(plans[m].Header);
            }
        }
    }

    private static void ClearRow(ColumnPlan[] plans, int r, NumberCells numbers, bool[][] flags, string[][] texts, DateOnly[][] dates)
    {
        for (int p = 0; p < plans.Length; p++)
        {
            ClearCell(plans, p, r, numbers, flags, texts, dates);
        }
    }

    /// <summary>Puts a neutral value in a cell of a row that will not be delivered, so no stale value is left behind.</summary>
    private static void ClearCell(ColumnPlan[] plans, int p, int r, NumberCells numbers, bool[][] flags, string[][] texts, DateOnly[][] dates)
    {
        switch (plans[p].Spec.Storage)
        {
            case ColumnStorage.Decimal:
                numbers.Clear(p, r);
                break;
            case ColumnStorage.Text:
                texts[p][r] = "";
                break;
            case ColumnStorage.Date:
                dates[p][r] = default;
                break;
            default:
                flags[p][r] = false;
                break;
        }
    }

    /// <summary>Repeated values in a text column (regions, categories) share one string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string CachedString(ReadOnlySpan<byte> content, ref byte[]? lastBytes, ref string? lastString)
    {
        if (lastString is not null && content.SequenceEqual(lastBytes))
        {
            return lastString;
        }
        string s = content.Length == 0 ? "" : Encoding.UTF8.GetString(content);
        if (content.Length <= 64)
        {
            lastBytes = content.ToArray();
            lastString = s;
        }
        return s;
    }

    private Diagnostic Problem(ParseOutcome outcome, ColumnPlan plan, long line, int column, long dataRow, ReadOnlySpan<byte> content)
    {
        string text = Encoding.UTF8.GetString(content);
        return outcome switch
        {
            ParseOutcome.Empty => DataDiagnostics.EmptyValue(_file, line, column, dataRow, plan.Header, plan.TypeName, plan.Expected, _rowSeverity),
            ParseOutcome.TooManyDigits => DataDiagnostics.TooManyDigits(_file, line, column, dataRow, plan.Header, text, _rowSeverity),
            ParseOutcome.OutOfRange => DataDiagnostics.OutOfRange(_file, line, column, dataRow, plan.Header, text, plan.TypeName, plan.Bounds, _rowSeverity),
            ParseOutcome.AmbiguousPercent => DataDiagnostics.AmbiguousPercent(_file, line, column, dataRow, plan.Header, text, _rowSeverity),
            _ => DataDiagnostics.InvalidValue(_file, line, column, dataRow, plan.Header, text, plan.TypeName, plan.Expected, _rowSeverity),
        };
    }

    // -------------------------------------------------------------------------------------------------------------
    // Stage 3 (in file order, on the caller's thread): duplicate ids, bad rows, diagnostics, the batch.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ColumnBatch? Sequence(ParsedChunk chunk, ReadState state, out bool stop)
    {
        stop = false;
        if (chunk.Fatal is not null)
        {
            state.Add(chunk.Fatal);
            stop = true;
            return null;
        }
        var raw = chunk.Raw!;
        int count = chunk.Count;
        if (RowEstimate is null)
        {
            long bytesPerRow = Math.Max(1, (raw.Ends[count - 1] - raw.Starts[0] + 1) / count);
            RowEstimate = Math.Max(count, (_fileLength - _dataStart) / bytesPerRow * 11 / 10);
        }
        state.RowsRead += count;
        long firstRow0 = raw.FirstDataRow - 1; // 0-based data row of the chunk's first row
        const int every = 1 << CheckpointShift;
        for (int r = (int)((every - (firstRow0 & (every - 1))) & (every - 1)); r < count; r += every)
        {
            state.CheckpointOffsets.Add(raw.BufferOffset + raw.Starts[r]);
            state.CheckpointLines.Add(chunk.Lines[r]);
        }

        List<BadRowDraft>? bad = chunk.Bad;
        if (chunk.IdHashes is { } hashes)
        {
            if (state.Ids is null)
            {
                state.Ids = new IdIndex(RowEstimate!.Value);
            }
            var ids = chunk.IdBytes!;
            Dictionary<int, BadRowDraft>? badByRow = null;
            const int block = 16;
            for (int r = 0; r < count; r++)
            {
                if ((r & (block - 1)) == 0)
                {
                    state.Ids.Prefetch(hashes.AsSpan(r, Math.Min(block, count - r)));
                }
                ulong h = hashes[r];
                if (h == 0)
                {
                    continue;
                }
                long row0 = firstRow0 + r;
                if (row0 > IdIndex.MaxRow)
                {
                    state.Add(DataDiagnostics.TooManyRows(_file, chunk.Lines[r], row0 + 1));
                    stop = true;
                    ReleaseChunk(raw, chunk.IdHashes);
                    return null;
                }
                var verifier = new Verifier(this, r, chunk, state);
                bool duplicate = state.Ids.TryFind(h, ref verifier, out long first);
                long firstLine = verifier.Line;
                if (!duplicate)
                {
                    state.Ids.Add(h, row0);
                    continue;
                }
                badByRow ??= bad?.ToDictionary(b => b.Row) ?? new Dictionary<int, BadRowDraft>();
                string id = ids.StringAt(r);
                if (!badByRow.TryGetValue(r, out var draft))
                {
                    draft = new BadRowDraft(r) { Id = id };
                    var none = new bool[_plans.Length];
                    var held = new ColumnBatch(0, count, raw.FirstDataRow, chunk.Lines, chunk.Columns, chunk.UnitScales);
                    SumDollars(draft, _plans, m => held.Decimals(m)[r], none);
                    badByRow.Add(r, draft);
                }
                var rowBytes = raw.Buffer.AsSpan(raw.Starts[r], raw.Ends[r] - raw.Starts[r]);
                int column = IdColumn(rowBytes);
                draft.Problems.Add(DataDiagnostics.DuplicateId(_file, chunk.Lines[r], column, row0 + 1, _plans[_idPlan].Header, id, firstLine, first + 1, _rowSeverity));
            }
            if (badByRow is not null)
            {
                bad = badByRow.Values.OrderBy(b => b.Row).ToList();
            }
        }

        Array[] columns = chunk.Columns;
        long[] lines = chunk.Lines;
        int kept = count;
        long firstDataRow = raw.FirstDataRow;
        long[]? dataRows = null;
        if (bad is { Count: > 0 })
        {
            var keep = new bool[count];
            Array.Fill(keep, true);
            foreach (var draft in bad)
            {
                keep[draft.Row] = false;
                var badRow = new BadRow(chunk.Lines[draft.Row], raw.FirstDataRow + draft.Row, draft.Id, draft.Problems, draft.Dollars, draft.UnreadMoney);
                state.BadRows.Add(badRow);
                foreach (var problem in draft.Problems)
                {
                    state.Add(problem);
                }
            }
            // The rows kept are no longer consecutive: keep each one's data row for messages.
            dataRows = Enumerable.Range(0, count).Where(r => keep[r]).Select(r => raw.FirstDataRow + r).ToArray();
            if (chunk.IdBytes is { } idBytes && !chunk.StringIds)
            {
                // The batch's rows are taken out of the chunk: its ids become strings here, as the kept rows go.
                var strings = (string[])columns[_idPlan];
                for (int r = 0; r < count; r++)
                {
                    strings[r] = keep[r] ? idBytes.StringAt(r) : "";
                }
            }
            kept = ColumnBatch.Compact(columns, ref lines, keep);
            int firstKept = Array.IndexOf(keep, true);
            firstDataRow = raw.FirstDataRow + Math.Max(0, firstKept);
        }
        ReleaseChunk(raw, chunk.IdHashes);
        // The batch keeps the ids as bytes when its rows are the chunk's rows and no strings were made.
        var utf8Ids = dataRows is null && !chunk.StringIds ? chunk.IdBytes : null;
        if (utf8Ids is null && chunk.IdBytes is { } unused)
        {
            ReturnIdBytes(unused);
        }
        if (state.Policy == BadRowPolicy.Fail && state.Overflowed)
        {
            stop = true;
        }
        if (kept == 0)
        {
            return null;
        }
        state.RowsDelivered += kept;
        return new ColumnBatch(state.BatchIndex++, kept, firstDataRow, lines, columns, chunk.UnitScales) { DataRows = dataRows, Utf8Text = utf8Ids };
    }

    private struct Verifier : IdIndex.IRowVerifier
    {
        private readonly CsvMemberReader _reader;
        private readonly int _row;
        private readonly ParsedChunk _chunk;
        private readonly ReadState _state;

        public Verifier(CsvMemberReader reader, int row, ParsedChunk chunk, ReadState state)
        {
            _reader = reader;
            _row = row;
            _chunk = chunk;
            _state = state;
            Line = 0;
        }

        /// <summary>The line of the row last confirmed.</summary>
        public long Line { get; private set; }

        public bool IsSameId(long row)
        {
            bool same = _reader.SameId(row, _chunk.IdBytes!.At(_row), _chunk, _state, out long line);
            if (same)
            {
                Line = line;
            }
            return same;
        }
    }

    private int IdColumn(ReadOnlySpan<byte> row)
    {
        var fields = new FieldRef[_fieldCount + 1];
        CsvSyntax.SplitFields(row, fields);
        return CsvSyntax.CharColumn(row, fields[_plans[_idPlan].Field].RawStart);
    }

    /// <summary>Whether the id of an earlier data row (0-based) is exactly <paramref name="id"/>: compared in memory when the row is in this chunk, else re-read from the file.</summary>
    private bool SameId(long row0, ReadOnlySpan<byte> id, ParsedChunk chunk, ReadState state, out long line)
    {
        long local = row0 - (chunk.Raw!.FirstDataRow - 1);
        if (local >= 0 && local < chunk.Count)
        {
            line = chunk.Lines[local];
            return chunk.IdBytes!.At((int)local).SequenceEqual(id);
        }
        var (foundLine, foundId) = FetchId(row0, state);
        line = foundLine;
        return foundId is not null && foundId.AsSpan().SequenceEqual(id);
    }

    /// <summary>Re-reads the id of a data row (0-based) from the file, starting at the checkpoint before it.</summary>
    private (long Line, byte[]? Id) FetchId(long row0, ReadState state)
    {
        int checkpoint = (int)(row0 >> CheckpointShift);
        long offset = state.CheckpointOffsets[checkpoint];
        long line = state.CheckpointLines[checkpoint];
        int skip = (int)(row0 - ((long)checkpoint << CheckpointShift));
        int window = 64 * 1024;
        var fields = new FieldRef[_fieldCount + 1];
        int idField = _plans[_idPlan].Field;
        while (true)
        {
            if (state.FetchBuffer is null || state.FetchBuffer.Length < window)
            {
                state.FetchBuffer = new byte[window];
            }
            var buffer = state.FetchBuffer;
            int n = ReadAt(_handle!, buffer.AsSpan(0, (int)Math.Min(window, _fileLength - offset)), offset);
            bool final = offset + n >= _fileLength;
            var data = buffer.AsSpan(0, n);
            int pos = 0;
            int seen = 0;
            long ln = line;
            while (true)
            {
                bool found = CsvSyntax.FindRowEnd(data, pos, final, out int term, out int newlines, out _);
                if (!found && !final)
                {
                    break; // need a larger window
                }
                int end = found ? term : n;
                if (end > pos && data[end - 1] == CsvSyntax.Cr)
                {
                    end--;
                }
                if (end > pos)
                {
                    if (seen == skip)
                    {
                        var row = data.Slice(pos, end - pos);
                        int count = CsvSyntax.SplitFields(row, fields);
                        if (idField >= count || idField >= fields.Length)
                        {
                            return (ln, null);
                        }
                        byte[]? scratch = null;
                        var content = CsvSyntax.Trim(CsvSyntax.Content(row, fields[idField], ref scratch));
                        return (ln, content.ToArray());
                    }
                    seen++;
                }
                if (!found)
                {
                    return (ln, null);
                }
                ln += 1 + newlines;
                pos = term + 1;
            }
            if (window >= _fileLength - offset || window > int.MaxValue / 2)
            {
                return (line, null);
            }
            window *= 2;
        }
    }

    private void ReleaseChunk(RawChunk raw, ulong[]? hashes)
    {
        if (hashes is not null && _hashArrays.Count < _options.MaxParallelism + 3)
        {
            _hashArrays.Add(hashes);
        }
        ReturnBuffer(raw.Buffer);
        ReturnRows(raw.Starts);
        ReturnRows(raw.Ends);
    }

    // -------------------------------------------------------------------------------------------------------------
    // The end.

    private void Finish(ReadState state, bool complete)
    {
        foreach (var d in _headerDiagnostics)
        {
            state.Add(d);
        }
        bool headerErrors = _headerDiagnostics.Any(d => d.IsError);
        if (complete && !headerErrors && state.RowsRead == 0 && !state.AnyError)
        {
            state.Add(DataDiagnostics.NoDataRows(_file, _headerLine));
        }
        ClaimsLeftOver? leftOver = null;
        var claims = _options.Claims;
        if (claims is not null && complete && _claimsMatched is not null)
        {
            int k = claims.Categories.Count;
            var counts = new long[k];
            var dollars = new decimal[k];
            int members = 0;
            long claimCount = 0;
            decimal total = 0m;
            for (int m = 0; m < claims.MemberCount; m++)
            {
                if (_claimsMatched[m] != 0)
                {
                    continue;
                }
                members++;
                for (int c = 0; c < k; c++)
                {
                    counts[c] += claims.ClaimCount(m, c);
                    dollars[c] += claims.Amount(m, c);
                    claimCount += claims.ClaimCount(m, c);
                    total += claims.Amount(m, c);
                }
            }
            leftOver = new ClaimsLeftOver(members, claimCount, total,
                claims.Categories.Select((c, i) => new CategoryTotal(c, counts[i], dollars[i])).ToList());
            if (members > 0)
            {
                state.Add(DataDiagnostics.ClaimsForUnknownMembers(claims.File, members, claimCount, total, _file));
            }
        }
        if (state.Policy == BadRowPolicy.ExcludeBadRows && state.BadRows.Count > 0)
        {
            state.Add(DataDiagnostics.RowsExcluded(_file, state.BadRows.Count, state.BadRows.Sum(b => b.Dollars),
                _moneyPlans.Select(m => _plans[m].Header).ToList(), state.BadRows.Count(b => b.UnreadMoneyColumns.Count > 0)));
        }
        DuplicateCheckBytes = (state.Ids?.Bytes ?? 0) + (((long)state.CheckpointOffsets.Capacity + state.CheckpointLines.Capacity) * sizeof(long));
        _result = new MemberReadResult(_file, state.RowsRead, state.RowsDelivered, state.BadRows, state.Bag.ToList(),
            _ignored, _fromClaims, leftOver, complete && !headerErrors);
    }

    // -------------------------------------------------------------------------------------------------------------
    // Working types.

    private sealed record RawChunk(
        int Index,
        byte[] Buffer,
        long BufferOffset,
        int Count,
        int[] Starts,
        int[] Ends,
        long[] Lines,
        long FirstDataRow,
        int UnclosedRow,
        int UnclosedAt)
    {
        public TaskCompletionSource<ParsedChunk> Parsed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class ParsedChunk
    {
        public ParsedChunk(RawChunk? raw, int count, long[] lines, Array[] columns, ulong[]? idHashes, List<BadRowDraft>? bad)
        {
            Raw = raw;
            Count = count;
            Lines = lines;
            Columns = columns;
            IdHashes = idHashes;
            Bad = bad;
        }

        public RawChunk? Raw { get; }
        public int Count { get; }
        public long[] Lines { get; }
        public Array[] Columns { get; }
        public ulong[]? IdHashes { get; }

        /// <summary>Each row's id as the file's bytes (empty where it was not read).</summary>
        public Utf8TextColumn? IdBytes { get; init; }

        /// <summary>The scale of each number column held as units (long[]), or -1; null when none is (NumberCells).</summary>
        public int[]? UnitScales { get; init; }

        /// <summary>Whether the id column's strings were made (claims are read); else the batch keeps the bytes.</summary>
        public bool StringIds { get; init; }
        public List<BadRowDraft>? Bad { get; }
        public Diagnostic? Fatal { get; private init; }

        public static ParsedChunk FatalOnly(Diagnostic fatal) =>
            new(null, 0, Array.Empty<long>(), Array.Empty<Array>(), null, null) { Fatal = fatal };
    }

    private sealed class BadRowDraft
    {
        public BadRowDraft(int row) => Row = row;

        public int Row { get; }
        public List<Diagnostic> Problems { get; } = new();
        public decimal Dollars { get; set; }
        public List<string> UnreadMoney { get; } = new();
        public string? Id { get; set; }
    }

    private sealed class ReadState
    {
        public ReadState(BadRowPolicy policy) => Policy = policy;

        public BadRowPolicy Policy { get; }
        public DiagnosticBag Bag { get; } = new();
        public long RowsRead { get; set; }
        public long RowsDelivered { get; set; }
        public int BatchIndex { get; set; }
        public List<BadRow> BadRows { get; } = new();
        public IdIndex? Ids { get; set; }
        public List<long> CheckpointOffsets { get; } = new();
        public List<long> CheckpointLines { get; } = new();
        public byte[]? FetchBuffer { get; set; }
        public int Added { get; private set; }
        public bool AnyError { get; private set; }

        /// <summary>More problems were found than the bag keeps.</summary>
        public bool Overflowed => Added > DiagnosticBag.Limit;

        public void Add(Diagnostic d)
        {
            Added++;
            AnyError |= d.IsError;
            Bag.Add(d);
        }
    }
}
