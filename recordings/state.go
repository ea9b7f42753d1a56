package recordings

// StateRow is one row of the state dataset: one variable of one neuron at one time, in
// long form, so that any set of neurons and variables shares one schema.
//
//	time_ns     int64    sample time, ns since the start of the run (DELTA_BINARY_PACKED)
//	population  string   population name (dictionary)
//	node_ids    int32    neuron index within the population
//	variable    string   v (membrane potential), ie or ii (synaptic currents) (dictionary)
//	value       float64  in mV: V itself, or the currents as the voltage R*I they drive
type StateRow struct {
	TimeNs     int64   `parquet:"time_ns,delta"`
	Population string  `parquet:"population,dict"`
	NodeIDs    int32   `parquet:"node_ids"`
	Variable   string  `parquet:"variable,dict"`
	Value      float64 `parquet:"value"`
}

// StateColumns documents the state dataset.
var StateColumns = []Column{
	{"time_ns", "int64", "ns", "sample time since the start of the run"},
	{"population", "string", "", "name of the population"},
	{"node_ids", "int32", "", "index of the neuron within its population"},
	{"variable", "string", "", "v: membrane potential; ie, ii: excitatory and inhibitory synaptic currents (lif_exp); ge, gi: conductances (lif_cond)"},
	{"value", "float64", "mV or nS", "the variable's value: v in mV, currents as the voltage R*I they drive (mV), conductances in nS"},
}

// WeightRow is one row of the weights dataset: one synapse at one snapshot time.
//
//	time_ns     int64    snapshot time (DELTA_BINARY_PACKED)
//	projection  string   projection name (dictionary)
//	pre, post   int32    presynaptic and postsynaptic neuron indices
//	weight      float64  mV: the voltage jump, or R*I of the current jump
type WeightRow struct {
	TimeNs     int64   `parquet:"time_ns,delta"`
	Projection string  `parquet:"projection,dict"`
	Pre        int32   `parquet:"pre"`
	Post       int32   `parquet:"post"`
	Weight     float64 `parquet:"weight"`
}

// WeightColumns documents the weights dataset.
var WeightColumns = []Column{
	{"time_ns", "int64", "ns", "snapshot time since the start of the run"},
	{"projection", "string", "", "name of the projection"},
	{"pre", "int32", "", "presynaptic neuron index"},
	{"post", "int32", "", "postsynaptic neuron index"},
	{"weight", "float64", "mV or nS", "voltage jump (lif_delta targets) or R*I of the current jump (lif_exp targets), in mV; conductance (lif_cond targets), in nS"},
}

// EventRow is one row of the events dataset: a neuromodulator jump (a reward or a
// punishment) as the simulator made it.
//
//	time_ns  int64    when the volume jumped (DELTA_BINARY_PACKED)
//	kind     string   "reward" (dictionary)
//	volume   string   the volume's name (dictionary)
//	amount   float64  the jump of its concentration (negative for a punishment)
type EventRow struct {
	TimeNs int64   `parquet:"time_ns,delta"`
	Kind   string  `parquet:"kind,dict"`
	Volume string  `parquet:"volume,dict"`
	Amount float64 `parquet:"amount"`
}

// EventColumns documents the events dataset.
var EventColumns = []Column{
	{"time_ns", "int64", "ns", "time of the event since the start of the run"},
	{"kind", "string", "", "reward: a jump of a neuromodulator volume"},
	{"volume", "string", "", "name of the volume"},
	{"amount", "float64", "", "the jump of the concentration (negative for a punishment)"},
}
