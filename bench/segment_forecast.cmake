# Log segments: prediction error of a table's size at its time to archive on
# generated growth traces, against the window's drift and a last-week line.
add_executable(bench_segment_forecast ${CMAKE_CURRENT_LIST_DIR}/segment_forecast.cpp)
target_link_libraries(bench_segment_forecast PRIVATE tidemark-engine)
