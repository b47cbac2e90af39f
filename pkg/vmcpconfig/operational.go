package vmcpconfig

import "time"

// defaultOperational is vMCP's EnsureOperationalDefaults baseline.
func defaultOperational() *OperationalConfig {
	return &OperationalConfig{
		Timeouts: &TimeoutConfig{Default: Duration(30 * time.Second)},
		FailureHandling: &FailureHandlingConfig{
			HealthCheckInterval:     Duration(30 * time.Second),
			UnhealthyThreshold:      3,
			StatusReportingInterval: Duration(30 * time.Second),
			PartialFailureMode:      "fail",
			CircuitBreaker: &CircuitBreakerConfig{
				FailureThreshold: 5,
				Timeout:          Duration(60 * time.Second),
			},
		},
	}
}

// EnsureOperationalDefaults fills zero values from the default, recursively,
// like the operator's mergo.Merge(dst, default): set values are kept, and
// fields the default leaves zero (healthCheckTimeout, logLevel...) stay as given.
func EnsureOperationalDefaults(o *OperationalConfig) *OperationalConfig {
	d := defaultOperational()
	if o == nil {
		return d
	}
	if o.Timeouts == nil {
		o.Timeouts = d.Timeouts
	} else if o.Timeouts.Default == 0 {
		o.Timeouts.Default = d.Timeouts.Default
	}
	if o.FailureHandling == nil {
		o.FailureHandling = d.FailureHandling
		return o
	}
	f, df := o.FailureHandling, d.FailureHandling
	if f.HealthCheckInterval == 0 {
		f.HealthCheckInterval = df.HealthCheckInterval
	}
	if f.UnhealthyThreshold == 0 {
		f.UnhealthyThreshold = df.UnhealthyThreshold
	}
	if f.StatusReportingInterval == 0 {
		f.StatusReportingInterval = df.StatusReportingInterval
	}
	if f.PartialFailureMode == "" {
		f.PartialFailureMode = df.PartialFailureMode
	}
	if f.CircuitBreaker == nil {
		f.CircuitBreaker = df.CircuitBreaker
	} else {
		if f.CircuitBreaker.FailureThreshold == 0 {
			f.CircuitBreaker.FailureThreshold = df.CircuitBreaker.FailureThreshold
		}
		if f.CircuitBreaker.Timeout == 0 {
			f.CircuitBreaker.Timeout = df.CircuitBreaker.Timeout
		}
	}
	return o
}
