namespace NbaBackfill.Warehouse;

/// <summary>A warehouse error worth retrying (rate limit, backend hiccup, write conflict).</summary>
public sealed class TransientWarehouseException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A warehouse error a retry cannot fix (schema mismatch, file locked by another process, bad request).</summary>
public sealed class WarehouseException(string message, Exception? inner = null) : Exception(message, inner);
