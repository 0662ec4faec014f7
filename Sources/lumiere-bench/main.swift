print("lumiere-bench: no benchmarks yet")
