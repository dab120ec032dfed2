"""Test support shipped with litreview: a loopback E-utilities/CT.gov server with fault injection."""
