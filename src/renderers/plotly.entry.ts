// plotly.js as its own bundle (out/renderers/plotly.js, ~4.6 MB): the main renderer loads it only when a
// plotly output is shown. It is bundled, not fetched from a CDN, so it works offline.
import Plotly from 'plotly.js-dist-min';

export default Plotly;
