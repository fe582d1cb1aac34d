# MariaDB checksum: Tidemark's verification checksum against pt-table-checksum
# and CHECKSUM TABLE on the same table.
if(TARGET tidemark-connector-mariadb AND TARGET tidemark-test-support)
  add_executable(bench_mariadb_checksum ${CMAKE_CURRENT_LIST_DIR}/mariadb_checksum.cpp)
  target_link_libraries(bench_mariadb_checksum PRIVATE tidemark-connector-mariadb tidemark-test-support
    tidemark_common Qt6::Core fmt::fmt)
endif()
