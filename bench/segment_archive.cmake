# Log segments: archive throughput and compression against pg_dump | zstd and
# COPY | zstd, compaction against VACUUM FULL, and the longest insert stall
# into the active segment while a sealed one is archived or compacted.
if(TARGET tidemark-connector-postgres AND TARGET tidemark-test-support)
  add_executable(bench_segment_archive ${CMAKE_CURRENT_LIST_DIR}/segment_archive.cpp)
  target_link_libraries(bench_segment_archive PRIVATE tidemark-connector-postgres tidemark-test-support
    tidemark_common Qt6::Core fmt::fmt)
  add_dependencies(bench_segment_archive tidemark-cli tidemark-postgres-plugin)
endif()
