using System.Text;

namespace NbaBackfill.Raw;

/// <summary>Splits a season's raw files per game date (lines kept byte-for-byte, each date file with its header).</summary>
public static class SeasonSplitter
{
    public static RawSeasonFiles Split(IRawFileSource source, RawSeason season)
    {
        var dateOfGame = season.Games.ToDictionary(g => g.GameId, g => g.GameDate, StringComparer.Ordinal);
        var perDate = new SortedDictionary<DateOnly, Dictionary<string, StringBuilder>>();
        foreach (var file in new[] { SeasonParser.GamesFile, SeasonParser.BoxScoresFile, SeasonParser.ShotZonesFile })
        {
            if (!source.Exists(file)) continue;
            using var reader = source.Open(file);
            var lines = CsvReader.Read(reader).ToList();
            if (lines.Count == 0) continue;
            var header = lines[0];
            var idIndex = header.Fields.ToList().IndexOf("game_id");
            foreach (var line in lines.Skip(1))
            {
                // Lines whose game cannot be dated (malformed) land in an "undated" bucket: never dropped.
                var date = idIndex >= 0 && idIndex < line.Fields.Count && dateOfGame.TryGetValue(line.Fields[idIndex], out var d)
                    ? d : DateOnly.MinValue;
                if (!perDate.TryGetValue(date, out var files)) perDate[date] = files = new Dictionary<string, StringBuilder>();
                if (!files.TryGetValue(file, out var sb)) files[file] = sb = new StringBuilder(header.Text).Append('\n');
                sb.Append(line.Text).Append('\n');
            }
        }
        string teams;
        using (var reader = source.Open(SeasonParser.TeamsFile)) teams = reader.ReadToEnd();
        return new RawSeasonFiles(season.Season, teams, perDate.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyDictionary<string, string>)kv.Value.ToDictionary(f => f.Key, f => f.Value.ToString())));
    }
}
