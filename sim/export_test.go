package sim

// SetDirectDeliveries switches deliveries made at once off or on, for tests.
func SetDirectDeliveries(on bool) { directDeliveries = on }
