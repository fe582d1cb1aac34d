# Heatmap repaint: 10,000 partitions × 720 samples against the 16 ms frame budget.
# Guarded so that both bench/CMakeLists.txt and app/gui may include it.
if(NOT TARGET bench_heatmap_repaint)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Widgets)
  add_executable(bench_heatmap_repaint ${CMAKE_CURRENT_LIST_DIR}/heatmap_repaint.cpp)
  target_link_libraries(bench_heatmap_repaint PRIVATE tidemark_common tidemark-widgets Qt6::Widgets)
endif()
