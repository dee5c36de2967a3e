// The audit console's server side.
export {};
