// Package recordings writes and reads the data of a run: Parquet datasets streamed in
// numbered parts, and the run.json manifest beside them. It is the only package that
// imports parquet-go.
//
// # Layout of a run directory
//
//	run.json              manifest: format, snn version, spec text and source, seed,
//	                      duration, populations, start and end, status, every complete part
//	summary.json          what the run did (written by the snn command at the end)
//	spikes/part-00000.parquet, part-00001.parquet, ...
//
// # The spikes dataset
//
//	column      type    encoding                 meaning
//	time_ns     int64   DELTA_BINARY_PACKED      spike time, ns since the start of the run
//	node_ids    int32   PLAIN                    neuron index within its population
//	population  string  RLE_DICTIONARY           population name
//
// all compressed with zstd. Rows are in event order (time non-decreasing). Times are the
// simulator's integer ticks, so nothing is rounded; milliseconds are time_ns / 1e6 (in
// DuckDB: time_ns / 1e6 AS timestamps, the column SONATA spike files have). Sorted times
// delta-encode to a few bits each: the cuba example's spikes take 4.4 bytes each on disk,
// against 9.9 for float64 millisecond timestamps with the same compression.
//
// # Streaming and crash safety
//
// A writer buffers a batch of rows, hands it to the Parquet encoder, flushes a row group
// every 64 Ki rows and closes a part every 128 row groups, so its memory does not grow
// with the run. A part is written as .part-NNNNN.parquet.tmp, synced, closed with its
// footer and only then renamed to part-NNNNN.parquet; run.json is rewritten (temporary
// file, sync, rename) after each rename. A crash or kill -9 therefore loses at most the
// part being written: every part-*.parquet is a complete file, and run.json lists them
// (it may lag by the one part renamed just before a crash, never lead). Each part's
// key-value metadata repeats the run's key facts (snn.run, snn.seed, snn.version,
// snn.spec, snn.format) and its own (snn.part, snn.first_ns, snn.last_ns).
//
// # Reading
//
// ReadSpikes streams a run's spikes batch by batch, in order, so recordings larger than
// memory can be analysed; a part that is not Parquet, is truncated or lacks the spike
// columns is an error naming the file. Any Parquet reader opens the parts: DuckDB
// (scripts/check-parquet-reader.sh installs it from npm and checks every part; the tests
// run it), pandas/pyarrow, Spark.
package recordings
