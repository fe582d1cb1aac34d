# PostgreSQL split: rows/s against INSERT…SELECT+DELETE and pg_partman, and the
# longest pgbench write stall against a naive split under one exclusive lock.
if(TARGET tidemark-connector-postgres AND TARGET tidemark-test-support)
  add_executable(bench_postgres_split ${CMAKE_CURRENT_LIST_DIR}/postgres_split.cpp)
  target_link_libraries(bench_postgres_split PRIVATE tidemark-connector-postgres tidemark-test-support tidemark_common
    Qt6::Core fmt::fmt)
endif()
