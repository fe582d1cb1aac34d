# Forecast tests (engine/forecast). Included from tests/engine/CMakeLists.txt.
find_package(nlohmann_json REQUIRED)
foreach(t tst_forecast_ets tst_forecast_facade)
  tidemark_add_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cpp ${CMAKE_CURRENT_LIST_DIR}/forecast_test_data.h
    LIBS tidemark-engine nlohmann_json::nlohmann_json LABELS unit)
endforeach()
