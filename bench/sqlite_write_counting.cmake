# Benchmark: cost of the SQLite connector's write-counting triggers on the
# demo workload. include()d from bench/CMakeLists.txt; not part of ctest.
add_executable(bench_sqlite_write_counting ${CMAKE_CURRENT_LIST_DIR}/sqlite_write_counting.cpp)
target_link_libraries(bench_sqlite_write_counting PRIVATE tidemark_common tidemark-connector-sqlite fmt::fmt)
