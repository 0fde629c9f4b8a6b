package testsupport.searchengine;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymFilter;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.CustomAnalyzer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

/**
 * The parts of Elasticsearch's own distribution that its Maven artifact, the integ-test zip, leaves
 * out and that the site's index settings need, written against Lucene (whose analysis-common jar the
 * zip ships) with Elasticsearch's names and parameters:
 *
 * <ul>
 *   <li>the {@code cjk} analyser, the {@code cjk_width} and {@code cjk_bigram} token filters (the
 *       site's default analyser for Chinese);
 *   <li>the {@code asciifolding}, {@code ngram} and {@code edge_ngram} token filters and the {@code
 *       ngram} and {@code edge_ngram} tokenizers (modelsearch's own index settings);
 *   <li>the {@code synonym} and {@code synonym_graph} token filters, with inline rules, and a few
 *       small ones settings commonly use: the {@code keyword} and {@code whitespace} tokenizers,
 *       the {@code trim}, {@code remove_duplicates}, {@code length} and {@code truncate} filters,
 *       the {@code html_strip}, {@code mapping} and {@code pattern_replace} character filters;
 *   <li>{@code GET /} and {@code HEAD /} (the distribution's rest-root module), which clients' info()
 *       and ping() and the site's health check call.
 * </ul>
 *
 * Everything else (indexing, queries, scoring, mappings, aliases) is the server's own code.
 */
public final class SiteAnalysisPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {

    private final Settings nodeSettings;

    public SiteAnalysisPlugin(final Settings settings) {
        this.nodeSettings = settings;
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of("cjk", (indexSettings, environment, name, settings) -> {
            final CJKAnalyzer analyzer = new CJKAnalyzer(
                    Analysis.parseStopWords(environment, settings, CJKAnalyzer.getDefaultStopSet()));
            return new AbstractIndexAnalyzerProvider<CJKAnalyzer>(name) {
                @Override
                public CJKAnalyzer get() {
                    return analyzer;
                }
            };
        });
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        final Map<String, AnalysisProvider<TokenFilterFactory>> filters = new HashMap<>(Map.of(
                "trim", (indexSettings, environment, name, settings) -> filter(name, true, TrimFilter::new),
                "remove_duplicates", (indexSettings, environment, name, settings) ->
                        filter(name, false, RemoveDuplicatesTokenFilter::new),
                "length", (indexSettings, environment, name, settings) -> {
                    final int min = settings.getAsInt("min", 0);
                    final int max = settings.getAsInt("max", Integer.MAX_VALUE);
                    return filter(name, false, in -> new LengthFilter(in, min, max));
                },
                "truncate", (indexSettings, environment, name, settings) -> {
                    final int length = settings.getAsInt("length", 10);
                    return filter(name, false, in -> new TruncateTokenFilter(in, length));
                }));
        filters.putAll(Map.of(
                "asciifolding", (indexSettings, environment, name, settings) -> {
                    final boolean preserve = settings.getAsBoolean("preserve_original", false);
                    return filter(name, true, in -> new ASCIIFoldingFilter(in, preserve));
                },
                "cjk_width", (indexSettings, environment, name, settings) ->
                        filter(name, true, CJKWidthFilter::new),
                "cjk_bigram", (indexSettings, environment, name, settings) -> {
                    int flags = CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA
                            | CJKBigramFilter.KATAKANA | CJKBigramFilter.HANGUL;
                    for (final String script : settings.getAsList("ignored_scripts")) {
                        flags &= ~scriptFlag(script);
                    }
                    final int scripts = flags;
                    final boolean unigrams = settings.getAsBoolean("output_unigrams", false);
                    return filter(name, false, in -> new CJKBigramFilter(in, scripts, unigrams));
                },
                "ngram", (indexSettings, environment, name, settings) -> {
                    final int min = settings.getAsInt("min_gram", 1);
                    final int max = settings.getAsInt("max_gram", 2);
                    final boolean preserve = settings.getAsBoolean("preserve_original", false);
                    return filter(name, false, in -> new NGramTokenFilter(in, min, max, preserve));
                },
                "edge_ngram", (indexSettings, environment, name, settings) -> {
                    final int min = settings.getAsInt("min_gram", 1);
                    final int max = settings.getAsInt("max_gram", 2);
                    final boolean preserve = settings.getAsBoolean("preserve_original", false);
                    return filter(name, false, in -> new EdgeNGramTokenFilter(in, min, max, preserve));
                },
                "synonym", (indexSettings, environment, name, settings) -> new Synonyms(name, settings, false),
                "synonym_graph", (indexSettings, environment, name, settings) -> new Synonyms(name, settings, true)));
        return filters;
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        return Map.of(
                "html_strip", (indexSettings, environment, name, settings) -> chars(name, HTMLStripCharFilter::new),
                "mapping", (indexSettings, environment, name, settings) -> {
                    final NormalizeCharMap.Builder map = new NormalizeCharMap.Builder();
                    for (final String rule : settings.getAsList("mappings")) {
                        final String[] sides = rule.split("=>", 2);
                        if (sides.length != 2) {
                            throw new IllegalArgumentException("[" + name + "]: invalid mapping rule: " + rule);
                        }
                        map.add(sides[0].strip(), sides[1].strip());
                    }
                    final NormalizeCharMap built = map.build();
                    return chars(name, in -> new MappingCharFilter(built, in));
                },
                "pattern_replace", (indexSettings, environment, name, settings) -> {
                    final Pattern pattern = Pattern.compile(settings.get("pattern", ""));
                    final String replacement = settings.get("replacement", "");
                    return chars(name, in -> new PatternReplaceCharFilter(pattern, replacement, in));
                });
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of(
                "keyword", (indexSettings, environment, name, settings) ->
                        TokenizerFactory.newFactory(name, () -> new KeywordTokenizer(settings.getAsInt("buffer_size", 256))),
                "whitespace", (indexSettings, environment, name, settings) -> {
                    final int max = settings.getAsInt("max_token_length", 255);
                    return TokenizerFactory.newFactory(name, () -> new WhitespaceTokenizer(
                            TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, max));
                },
                "ngram", grams((min, max, chars) -> new NGramTokenizer(min, max) {
                    @Override
                    protected boolean isTokenChar(final int c) {
                        return chars.test(c);
                    }
                }),
                "edge_ngram", grams((min, max, chars) -> new EdgeNGramTokenizer(min, max) {
                    @Override
                    protected boolean isTokenChar(final int c) {
                        return chars.test(c);
                    }
                }));
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
            final RestHandlersServices services,
            final Supplier<DiscoveryNodes> nodes,
            final Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new RootHandler(nodeSettings));
    }

    private interface Wrap {
        TokenStream apply(TokenStream in);
    }

    private static CharFilterFactory chars(final String name, final UnaryOperator<Reader> wrap) {
        return new CharFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Reader create(final Reader in) {
                return wrap.apply(in);
            }
        };
    }

    private interface GramTokenizer {
        Tokenizer create(int minGram, int maxGram, Predicate<Integer> tokenChars);
    }

    /** An n-gram tokenizer with Elasticsearch's parameters min_gram, max_gram and token_chars. */
    private static AnalysisProvider<TokenizerFactory> grams(final GramTokenizer make) {
        return (indexSettings, environment, name, settings) -> {
            final int min = settings.getAsInt("min_gram", 1);
            final int max = settings.getAsInt("max_gram", 2);
            final Predicate<Integer> chars = tokenChars(settings.getAsList("token_chars"));
            return TokenizerFactory.newFactory(name, () -> make.create(min, max, chars));
        };
    }

    /** {@code normalizing}: also applied to the terms of wildcard, prefix and fuzzy queries;
     * otherwise (filters that split or join tokens) left out where synonym rules are read. */
    private static TokenFilterFactory filter(final String name, final boolean normalizing, final Wrap wrap) {
        return new TokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TokenStream create(final TokenStream in) {
                return wrap.apply(in);
            }

            @Override
            public TokenStream normalize(final TokenStream in) {
                return normalizing ? wrap.apply(in) : in;
            }

            @Override
            public TokenFilterFactory getSynonymFilter() {
                return normalizing ? this : IDENTITY_FILTER;
            }
        };
    }

    /**
     * The {@code synonym} and {@code synonym_graph} filters with rules in Solr's format given
     * inline ({@code synonyms}; {@code expand}, {@code lenient}), read through the analysis chain
     * that comes before the filter, as Elasticsearch reads them.
     */
    private static final class Synonyms implements TokenFilterFactory {
        private final String name;
        private final List<String> rules;
        private final boolean expand;
        private final boolean lenient;
        private final boolean graph;

        Synonyms(final String name, final Settings settings, final boolean graph) {
            if (settings.get("synonyms_path") != null || settings.get("synonyms_set") != null) {
                throw new IllegalArgumentException("[" + name + "]: only inline synonyms are supported here");
            }
            this.name = name;
            this.rules = settings.getAsList("synonyms");
            this.expand = settings.getAsBoolean("expand", true);
            this.lenient = settings.getAsBoolean("lenient", false);
            this.graph = graph;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public TokenStream create(final TokenStream in) {
            throw new IllegalStateException("[" + name + "] is built per analysis chain");
        }

        @Override
        public TokenFilterFactory getChainAwareTokenFilterFactory(
                final IndexService.IndexCreationContext context,
                final TokenizerFactory tokenizer,
                final List<CharFilterFactory> charFilters,
                final List<TokenFilterFactory> previousTokenFilters,
                final Function<String, TokenFilterFactory> allFilters) {
            final TokenFilterFactory[] before = previousTokenFilters.stream()
                    .map(TokenFilterFactory::getSynonymFilter)
                    .toArray(TokenFilterFactory[]::new);
            final SynonymMap map;
            try (Analyzer analyzer = new CustomAnalyzer(
                    tokenizer, charFilters.toArray(new CharFilterFactory[0]), before)) {
                final SolrSynonymParser parser = new SolrSynonymParser(true, expand, analyzer);
                for (final String rule : rules) {
                    try {
                        parser.parse(new StringReader(rule));
                    } catch (final IOException | ParseException | IllegalArgumentException e) {
                        if (!lenient) {
                            throw new IllegalArgumentException("[" + name + "]: cannot parse synonym rule: " + rule, e);
                        }
                    }
                }
                map = parser.build();
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            return new TokenFilterFactory() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                @SuppressWarnings("deprecation") // Lucene's SynonymFilter: what Elasticsearch's "synonym" is
                public TokenStream create(final TokenStream in) {
                    if (map.fst == null) {
                        return in;
                    }
                    return graph ? new SynonymGraphFilter(in, map, false) : new SynonymFilter(in, map, false);
                }

                @Override
                public TokenFilterFactory getSynonymFilter() {
                    return IDENTITY_FILTER; // synonyms are not read through other synonyms
                }
            };
        }
    }

    private static int scriptFlag(final String script) {
        return switch (script.toLowerCase(Locale.ROOT)) {
            case "han" -> CJKBigramFilter.HAN;
            case "hiragana" -> CJKBigramFilter.HIRAGANA;
            case "katakana" -> CJKBigramFilter.KATAKANA;
            case "hangul" -> CJKBigramFilter.HANGUL;
            default -> throw new IllegalArgumentException("unknown script in ignored_scripts: " + script);
        };
    }

    /** Elasticsearch's token_chars classes; none given means every character. */
    private static Predicate<Integer> tokenChars(final List<String> classes) {
        final List<Predicate<Integer>> tests = new ArrayList<>();
        for (final String kind : classes) {
            tests.add(switch (kind.toLowerCase(Locale.ROOT)) {
                case "letter" -> Character::isLetter;
                case "digit" -> Character::isDigit;
                case "whitespace" -> Character::isWhitespace;
                case "punctuation" -> c -> switch (Character.getType(c)) {
                    case Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.OTHER_PUNCTUATION,
                            Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
                            Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION -> true;
                    default -> false;
                };
                case "symbol" -> c -> switch (Character.getType(c)) {
                    case Character.CURRENCY_SYMBOL, Character.MATH_SYMBOL, Character.OTHER_SYMBOL,
                            Character.MODIFIER_SYMBOL -> true;
                    default -> false;
                };
                default -> throw new IllegalArgumentException("unsupported token_chars class: " + kind);
            });
        }
        if (tests.isEmpty()) {
            return c -> true;
        }
        return c -> tests.stream().anyMatch(test -> test.test(c));
    }

    /** What the distribution's rest-root module answers on {@code GET /}. */
    private static final class RootHandler extends BaseRestHandler {
        private final String nodeName;
        private final String clusterName;

        RootHandler(final Settings settings) {
            this.nodeName = Node.NODE_NAME_SETTING.get(settings);
            this.clusterName = ClusterName.CLUSTER_NAME_SETTING.get(settings).value();
        }

        @Override
        public String getName() {
            return "site_root_action";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(final RestRequest request, final NodeClient client) {
            final Build build = Build.current();
            return channel -> {
                final XContentBuilder body = channel.newBuilder();
                body.startObject()
                        .field("name", nodeName)
                        .field("cluster_name", clusterName)
                        .startObject("version")
                        .field("number", build.qualifiedVersion())
                        .field("build_flavor", build.flavor())
                        .field("build_type", build.type().displayName())
                        .field("build_hash", build.hash())
                        .field("build_date", build.date())
                        .field("build_snapshot", build.isSnapshot())
                        .field("lucene_version", org.apache.lucene.util.Version.LATEST.toString())
                        .field("minimum_wire_compatibility_version", build.minWireCompatVersion())
                        .field("minimum_index_compatibility_version", build.minIndexCompatVersion())
                        .endObject()
                        .field("tagline", "You Know, for Search")
                        .endObject();
                channel.sendResponse(new RestResponse(RestStatus.OK, body));
            };
        }
    }
}
