-- The chart PNG is drawn again from the stored answer (its chart spec and table) when an analysis is
-- read, so that storing an answer no longer waits for its chart to be drawn (docs/analysis.md).
ALTER TABLE analyses DROP COLUMN chart_png_base64;
