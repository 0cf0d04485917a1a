import { assessSegment, planAssessment, saveAssessment, writeAudienceChunks, type AssessDeps, type AssessResult } from '../../functions/steps/assess-impact.js';

/**
 * One impact assessment as the workflow runs it (statemachines: plan, a Map over the directory's
 * segments, a Map writing chunks, save), with the phases called in process.
 */
export async function assessInProcess(incidentId: string, deps: AssessDeps): Promise<AssessResult> {
  const { segments, ...stands } = await planAssessment(incidentId, deps);
  if (segments.length === 0) return stands as AssessResult;
  const { scopeVersion } = stands;
  const assessed = await Promise.all(segments.map((segment) => assessSegment({ incidentId, segment, totalSegments: segments.length, scopeVersion }, deps)));
  await Promise.all(assessed.map(({ segment }) => writeAudienceChunks({ incidentId, segment, scopeVersion, segments: assessed }, deps)));
  return saveAssessment({ incidentId, scopeVersion, segments: assessed }, deps);
}
