# Point-in-time journal: write overhead against the periods extension's
# system versioning on the same workload, and the time of an as-of read.
if(TARGET tidemark-connector-postgres AND TARGET tidemark-test-support)
  add_executable(bench_pitr_journal ${CMAKE_CURRENT_LIST_DIR}/pitr_journal.cpp)
  target_link_libraries(bench_pitr_journal PRIVATE tidemark-connector-postgres tidemark-test-support tidemark_common
    Qt6::Core fmt::fmt)
endif()
