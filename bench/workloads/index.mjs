// The workloads, in the order they run. A workload module exports `name`, `description` and
// `run(ctx)`; it measures with measureGroup() and may add tables to ctx.tables.
import * as pairwise from './pairwise.mjs';
import * as crossover from './crossover.mjs';
import * as long from './long.mjs';
import * as scoreMany from './score-many.mjs';
import * as scoreMatrix from './score-matrix.mjs';
import * as search from './search.mjs';
import * as dispatch from './dispatch.mjs';
import * as metricsExtra from './metrics-extra.mjs'; // issue 12
import * as editOps from './edit-ops.mjs'; // issue 12
import * as join from './join.mjs'; // issue 15

export const workloads = [pairwise, crossover, long, scoreMany, scoreMatrix, search, dispatch, metricsExtra, editOps, join];
