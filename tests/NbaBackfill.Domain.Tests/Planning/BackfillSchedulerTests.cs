using NbaBackfill.Planning;
using NbaBackfill.Processors;

namespace NbaBackfill.Domain.Tests.Planning;

public class BackfillSchedulerTests
{
    private static readonly DateOnly D0 = MiniSeason.Day1;

    private static BackfillPlan Plan(BackfillRequest request)
    {
        var season = MiniSeason.Daily(14).Parse();
        var calendar = new PlanningCalendar(season.Games, season.BoxScores.Select(b => (b.Season, b.GameDate, b.PlayerId)));
        return BackfillPlanner.Plan(request, calendar, (_, _) => true);
    }

    private static BackfillRequest All(int batch = 5, int parallel = 8, OnFailure policy = OnFailure.Stop) =>
        new(D0, D0.AddDays(13), ProcessorIds.All, policy, parallel, batch);

    private static BackfillState Succeed(BackfillPlan plan, BackfillState state, IEnumerable<Batch> batches)
    {
        foreach (var b in batches) state = BackfillScheduler.Apply(plan, state, b, b.Nodes.Select(i => new NodeOutcome(i, true, 1, 0, null)).ToList(), null);
        return state;
    }

    [Fact]
    public void Contiguous_dates_are_batched_up_to_the_batch_size()
    {
        var plan = Plan(All(batch: 5));
        var first = BackfillScheduler.Next(plan, BackfillState.Start(plan));
        // Only PGS is ready at first: 14 dates in batches of 5, 5, 4.
        Assert.Equal([5, 5, 4], first.Select(b => b.Nodes.Length));
        Assert.All(first, b => Assert.Equal(ProcessorId.PGS, b.Processor));
        Assert.Equal((D0, D0.AddDays(4)), (first[0].From, first[0].To));
    }

    [Fact]
    public void A_batch_never_spans_an_off_season()
    {
        // Two seasons of 6 daily dates, the second starting 200 days later: contiguous game dates, but a batch over both
        // would read two seasons of history.
        var seasons = new[] { MiniSeason.Daily("2030-31", D0, 6).Parse(), MiniSeason.Daily("2031-32", D0.AddDays(200), 6).Parse() };
        var calendar = new PlanningCalendar(seasons.SelectMany(s => s.Games), seasons.SelectMany(s => s.BoxScores).Select(b => (b.Season, b.GameDate, b.PlayerId)));
        var plan = BackfillPlanner.Plan(new BackfillRequest(D0, D0.AddDays(205), ProcessorIds.All, OnFailure.Stop, 8, 200), calendar, (_, _) => true);
        var first = BackfillScheduler.Next(plan, BackfillState.Start(plan));
        Assert.Equal([(D0, D0.AddDays(5)), (D0.AddDays(200), D0.AddDays(205))], first.Select(b => (b.From, b.To)));
        Assert.True(plan.Nodes[first[1].Nodes[0]].DateIndex == plan.Nodes[first[0].Nodes[^1]].DateIndex + 1, "the dates are contiguous game dates");
    }

    [Fact]
    public void Max_parallel_and_per_processor_caps_limit_a_wave()
    {
        var plan = Plan(All(batch: 2, parallel: 3));
        Assert.Equal(3, BackfillScheduler.Next(plan, BackfillState.Start(plan)).Count);
        var capped = Plan(All(batch: 2, parallel: 10) with { ProcessorCaps = new Dictionary<ProcessorId, int> { [ProcessorId.PGS] = 2 } });
        Assert.Equal(2, BackfillScheduler.Next(capped, BackfillState.Start(capped)).Count);
    }

    [Fact]
    public void Every_node_runs_once_in_dependency_order()
    {
        var plan = Plan(All(batch: 4));
        var state = BackfillState.Start(plan);
        var seen = new HashSet<int>();
        while (BackfillScheduler.Next(plan, state) is { Count: > 0 } wave)
        {
            foreach (var i in wave.SelectMany(b => b.Nodes))
            {
                Assert.True(seen.Add(i));
                Assert.All(plan.Dependencies[i], d => Assert.Contains(d, seen.Where(s => s != i)));
            }
            state = Succeed(plan, BackfillScheduler.MarkRunning(state, wave), wave);
        }
        Assert.Equal(plan.Nodes.Count, seen.Count);
        Assert.Equal(plan.Nodes.Count, state.Count(NodeStatus.Succeeded));
    }

    [Fact]
    public void A_failed_batch_is_split_and_only_the_failing_date_fails()
    {
        var plan = Plan(All(batch: 14, parallel: 20));
        var state = BackfillState.Start(plan);
        var wave = BackfillScheduler.Next(plan, state);
        var batch = Assert.Single(wave);
        state = BackfillScheduler.Apply(plan, BackfillScheduler.MarkRunning(state, wave), batch, null, "boom");
        Assert.All(batch.Nodes, i => Assert.Equal((NodeStatus.Pending, true), (state.Status[i], state.Solo[i])));
        var solo = BackfillScheduler.Next(plan, state);
        Assert.Equal(14, solo.Count(b => b.Processor == ProcessorId.PGS && b.Nodes.Length == 1));
    }

    [Fact]
    public void Stop_policy_starts_nothing_after_a_failure()
    {
        var plan = Plan(All(batch: 1, parallel: 20));
        var state = BackfillState.Start(plan);
        var wave = BackfillScheduler.Next(plan, state);
        state = BackfillScheduler.MarkRunning(state, wave);
        state = BackfillScheduler.Apply(plan, state, wave[0], null, "boom");
        state = Succeed(plan, state, wave.Skip(1));
        Assert.Equal(NodeStatus.Failed, state.Status[wave[0].Nodes[0]]);
        Assert.Empty(BackfillScheduler.Next(plan, state));
        Assert.Empty(BackfillScheduler.NewlyBlocked(plan, state));
    }

    [Fact]
    public void Continue_policy_blocks_exactly_the_nodes_that_read_the_failed_node()
    {
        var plan = Plan(All(batch: 1, parallel: 100, policy: OnFailure.Continue));
        var state = BackfillState.Start(plan);
        var wave = BackfillScheduler.Next(plan, state);
        var failedDay = D0.AddDays(2);
        var failed = plan.IndexOf(ProcessorId.PGS, failedDay);
        state = BackfillScheduler.MarkRunning(state, wave);
        foreach (var b in wave)
        {
            state = b.Nodes[0] == failed
                ? BackfillScheduler.Apply(plan, state, b, null, "boom")
                : BackfillScheduler.Apply(plan, state, b, [new NodeOutcome(b.Nodes[0], true, 1, 0, null)], null);
        }
        var blocked = BackfillScheduler.NewlyBlocked(plan, state).Select(i => plan.Nodes[i]).ToHashSet();

        // Expected by a direct reading of the edges: a node is blocked iff it reads the failed node, directly or through
        // another blocked node.
        var reads = new HashSet<(ProcessorId, DateOnly)> { (ProcessorId.PGS, failedDay) };
        var season = MiniSeason.Daily(14).Parse();
        var calendar = new PlanningCalendar(season.Games, season.BoxScores.Select(b => (b.Season, b.GameDate, b.PlayerId)));
        foreach (var node in plan.Nodes.Where(n => n.Processor != ProcessorId.PGS))
        {
            if (BackfillPlanner.DependenciesOf(node.Processor, node.Date, calendar).Any(reads.Contains)) reads.Add((node.Processor, node.Date));
        }
        reads.Remove((ProcessorId.PGS, failedDay));
        Assert.Equal(reads.OrderBy(x => x), blocked.Select(n => (n.Processor, n.Date)).OrderBy(x => x));
        // The failed date's own downstream is blocked; PSZA two weeks on (window days 3-12) is not.
        Assert.Contains(plan.Nodes[plan.IndexOf(ProcessorId.PSZA, failedDay)], blocked);
        Assert.DoesNotContain(plan.Nodes[plan.IndexOf(ProcessorId.PSZA, D0.AddDays(13))], blocked);
        Assert.Contains(plan.Nodes[plan.IndexOf(ProcessorId.TDZA, D0.AddDays(13))], blocked); // league values read every earlier date

        var marked = BackfillScheduler.MarkBlocked(state, BackfillScheduler.NewlyBlocked(plan, state), "x");
        Assert.StartsWith("upstream PGS " + failedDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + " failed",
            BackfillScheduler.BlockReason(plan, marked, plan.IndexOf(ProcessorId.PSZA, failedDay)), StringComparison.Ordinal);
        // Independent work goes on.
        Assert.NotEmpty(BackfillScheduler.Next(plan, marked));
    }
}
