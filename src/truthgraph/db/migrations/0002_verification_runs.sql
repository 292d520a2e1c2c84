-- Batch runs (`verify --file`) tag each stored result with the run's key and the claim's position, so
-- that rerunning an interrupted run stores nothing twice: a (run_key, run_index) already stored is kept.
ALTER TABLE verification_results ADD COLUMN run_key text, ADD COLUMN run_index integer;
CREATE UNIQUE INDEX verification_results_run_idx ON verification_results (run_key, run_index) WHERE run_key IS NOT NULL;
