// The catalogue lives beside the gazetteer it is read from (a light module: no NLP loaded).
export { regions, unknownRegions, type Region } from '@pantau/nlp-id/src/regions';
