package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vesalius.tensor.NnTesting.assertError;
import static org.vesalius.tensor.NnTesting.assertErrorContains;
import static org.vesalius.tensor.NnTesting.assertShape;
import static org.vesalius.tensor.NnTesting.assertValues;
import static org.vesalius.tensor.NnTesting.gradCheck;
import static org.vesalius.tensor.NnTesting.gradGradCheck;
import static org.vesalius.tensor.NnTesting.leaf;
import static org.vesalius.tensor.NnTesting.seq;
import static org.vesalius.tensor.NnTesting.strided;

import org.junit.jupiter.api.Test;

/**
 * Dropout, embedding, interpolate and one-hot: values against PyTorch 1.13, gradients against finite
 * differences, dropout statistics and seeding, and the errors.
 *
 * <p>Expected values come from this snippet:
 * <pre>
 * import torch, torch.nn.functional as F
 * def seq(n, m=1009, scale=100.0): return torch.tensor([((i * 37) % m) / scale - 5.0 for i in range(n)], dtype=torch.float32)
 * x2 = seq(24).reshape(2, 1, 3, 4); x1 = seq(10).reshape(1, 2, 5); x3 = seq(24).reshape(1, 1, 2, 3, 4)
 * NEAREST_2D = F.interpolate(x2, size=(5, 7), mode="nearest"); NEAREST_2D_X2 = F.interpolate(x2, scale_factor=2, mode="nearest")
 * NEAREST_1D_SF = F.interpolate(x1, scale_factor=1.7, mode="nearest"); NEAREST_EXACT_2D = F.interpolate(x2, size=(5, 3), mode="nearest-exact")
 * BILINEAR(_AC) = F.interpolate(x2, size=(5, 7), mode="bilinear", align_corners=False (True))
 * BILINEAR_DOWN = F.interpolate(x2, size=(2, 3), mode="bilinear"); BILINEAR_SF = F.interpolate(x2, scale_factor=(1.5, 2.5), mode="bilinear")
 * LINEAR(_AC) = F.interpolate(x1, size=8, mode="linear", align_corners=False (True))
 * TRILINEAR = F.interpolate(x3, size=(3, 4, 5), mode="trilinear"); TRILINEAR_AC = F.interpolate(x3, scale_factor=2, mode="trilinear", align_corners=True)
 * NEAREST_3D = F.interpolate(x3, size=(3, 5, 6), mode="nearest"); AREA = F.interpolate(x2, size=(2, 3), mode="area")
 * xr = x2 with requires_grad; F.interpolate(xr, size=(5, 7), mode="bilinear").backward(seq(70, 101, 10.0).reshape(2, 1, 5, 7))  # BILINEAR_GRAD
 * wr = seq(15, 101, 10.0).reshape(5, 3) with requires_grad
 * F.embedding(torch.tensor([[0, 2, 4], [2, 2, 1]]), wr, padding_idx=2).backward(seq(18, 13, 2.0).reshape(2, 3, 3))  # EMB_GRAD
 * </pre>
 */
class NetworkOpsTest {
    private static final float[] NEAREST_2D = {-5.0f, -5.0f, -4.630000114440918f, -4.630000114440918f, -4.260000228881836f, -4.260000228881836f, -3.890000104904175f, -5.0f, -5.0f, -4.630000114440918f, -4.630000114440918f, -4.260000228881836f, -4.260000228881836f, -3.890000104904175f, -3.5199999809265137f, -3.5199999809265137f, -3.1500000953674316f, -3.1500000953674316f, -2.7799999713897705f, -2.7799999713897705f, -2.4100000858306885f, -3.5199999809265137f, -3.5199999809265137f, -3.1500000953674316f, -3.1500000953674316f, -2.7799999713897705f, -2.7799999713897705f, -2.4100000858306885f, -2.0399999618530273f, -2.0399999618530273f, -1.6699999570846558f, -1.6699999570846558f, -1.2999999523162842f, -1.2999999523162842f, -0.9300000071525574f, -0.5600000023841858f, -0.5600000023841858f, -0.1899999976158142f, -0.1899999976158142f, 0.18000000715255737f, 0.18000000715255737f, 0.550000011920929f, -0.5600000023841858f, -0.5600000023841858f, -0.1899999976158142f, -0.1899999976158142f, 0.18000000715255737f, 0.18000000715255737f, 0.550000011920929f, 0.9200000166893005f, 0.9200000166893005f, 1.2899999618530273f, 1.2899999618530273f, 1.659999966621399f, 1.659999966621399f, 2.0299999713897705f, 0.9200000166893005f, 0.9200000166893005f, 1.2899999618530273f, 1.2899999618530273f, 1.659999966621399f, 1.659999966621399f, 2.0299999713897705f, 2.4000000953674316f, 2.4000000953674316f, 2.7699999809265137f, 2.7699999809265137f, 3.140000104904175f, 3.140000104904175f, 3.509999990463257f};
    private static final float[] NEAREST_2D_X2 = {-5.0f, -5.0f, -4.630000114440918f, -4.630000114440918f, -4.260000228881836f, -4.260000228881836f, -3.890000104904175f, -3.890000104904175f, -5.0f, -5.0f, -4.630000114440918f, -4.630000114440918f, -4.260000228881836f, -4.260000228881836f, -3.890000104904175f, -3.890000104904175f, -3.5199999809265137f, -3.5199999809265137f, -3.1500000953674316f, -3.1500000953674316f, -2.7799999713897705f, -2.7799999713897705f, -2.4100000858306885f, -2.4100000858306885f, -3.5199999809265137f, -3.5199999809265137f, -3.1500000953674316f, -3.1500000953674316f, -2.7799999713897705f, -2.7799999713897705f, -2.4100000858306885f, -2.4100000858306885f, -2.0399999618530273f, -2.0399999618530273f, -1.6699999570846558f, -1.6699999570846558f, -1.2999999523162842f, -1.2999999523162842f, -0.9300000071525574f, -0.9300000071525574f, -2.0399999618530273f, -2.0399999618530273f, -1.6699999570846558f, -1.6699999570846558f, -1.2999999523162842f, -1.2999999523162842f, -0.9300000071525574f, -0.9300000071525574f, -0.5600000023841858f, -0.5600000023841858f, -0.1899999976158142f, -0.1899999976158142f, 0.18000000715255737f, 0.18000000715255737f, 0.550000011920929f, 0.550000011920929f, -0.5600000023841858f, -0.5600000023841858f, -0.1899999976158142f, -0.1899999976158142f, 0.18000000715255737f, 0.18000000715255737f, 0.550000011920929f, 0.550000011920929f, 0.9200000166893005f, 0.9200000166893005f, 1.2899999618530273f, 1.2899999618530273f, 1.659999966621399f, 1.659999966621399f, 2.0299999713897705f, 2.0299999713897705f, 0.9200000166893005f, 0.9200000166893005f, 1.2899999618530273f, 1.2899999618530273f, 1.659999966621399f, 1.659999966621399f, 2.0299999713897705f, 2.0299999713897705f, 2.4000000953674316f, 2.4000000953674316f, 2.7699999809265137f, 2.7699999809265137f, 3.140000104904175f, 3.140000104904175f, 3.509999990463257f, 3.509999990463257f, 2.4000000953674316f, 2.4000000953674316f, 2.7699999809265137f, 2.7699999809265137f, 3.140000104904175f, 3.140000104904175f, 3.509999990463257f, 3.509999990463257f};
    private static final float[] NEAREST_1D_SF = {-5.0f, -5.0f, -4.630000114440918f, -4.630000114440918f, -4.260000228881836f, -4.260000228881836f, -3.890000104904175f, -3.5199999809265137f, -3.1500000953674316f, -3.1500000953674316f, -2.7799999713897705f, -2.7799999713897705f, -2.4100000858306885f, -2.4100000858306885f, -2.0399999618530273f, -1.6699999570846558f};
    private static final float[] NEAREST_EXACT_2D = {-5.0f, -4.260000228881836f, -3.890000104904175f, -5.0f, -4.260000228881836f, -3.890000104904175f, -3.5199999809265137f, -2.7799999713897705f, -2.4100000858306885f, -2.0399999618530273f, -1.2999999523162842f, -0.9300000071525574f, -2.0399999618530273f, -1.2999999523162842f, -0.9300000071525574f, -0.5600000023841858f, 0.18000000715255737f, 0.550000011920929f, -0.5600000023841858f, 0.18000000715255737f, 0.550000011920929f, 0.9200000166893005f, 1.659999966621399f, 2.0299999713897705f, 2.4000000953674316f, 3.140000104904175f, 3.509999990463257f, 2.4000000953674316f, 3.140000104904175f, 3.509999990463257f};
    private static final float[] BILINEAR = {-5.0f, -4.867856979370117f, -4.656428813934326f, -4.445000171661377f, -4.233571529388428f, -4.0221428871154785f, -3.890000104904175f, -4.4079999923706055f, -4.275856971740723f, -4.064428806304932f, -3.8529999256134033f, -3.6415717601776123f, -3.430142879486084f, -3.2980000972747803f, -3.5199999809265137f, -3.387856960296631f, -3.1764285564422607f, -2.9649999141693115f, -2.7535712718963623f, -2.542142629623413f, -2.4100000858306885f, -2.6319997310638428f, -2.499856948852539f, -2.288428544998169f, -2.0769999027252197f, -1.8655712604522705f, -1.6541427373886108f, -1.5219999551773071f, -2.0399999618530273f, -1.9078569412231445f, -1.6964285373687744f, -1.4849998950958252f, -1.2735713720321655f, -1.0621428489685059f, -0.9300000071525574f, -0.5600000023841858f, -0.42785710096359253f, -0.21642856299877167f, -0.004999950993806124f, 0.2064286321401596f, 0.41785722970962524f, 0.550000011920929f, 0.03200005739927292f, 0.1641428917646408f, 0.37557145953178406f, 0.5870000720024109f, 0.7984287142753601f, 1.0098572969436646f, 1.1420000791549683f, 0.9200000762939453f, 1.052142858505249f, 1.2635715007781982f, 1.475000023841858f, 1.6864286661148071f, 1.8978571891784668f, 2.0299999713897705f, 1.8080002069473267f, 1.9401429891586304f, 2.15157151222229f, 2.3630001544952393f, 2.5744287967681885f, 2.7858574390411377f, 2.9180002212524414f, 2.4000000953674316f, 2.5321428775787354f, 2.7435715198516846f, 2.955000162124634f, 3.166428804397583f, 3.377857208251953f, 3.509999990463257f};
    private static final float[] BILINEAR_AC = {-5.0f, -4.815000057220459f, -4.630000114440918f, -4.445000171661377f, -4.260000228881836f, -4.075000286102295f, -3.890000104904175f, -4.260000228881836f, -4.074999809265137f, -3.890000104904175f, -3.705000162124634f, -3.5199999809265137f, -3.3350000381469727f, -3.1500000953674316f, -3.5199999809265137f, -3.3350000381469727f, -3.1500000953674316f, -2.9650001525878906f, -2.7799999713897705f, -2.5950000286102295f, -2.4100000858306885f, -2.7799999713897705f, -2.5950000286102295f, -2.4100000858306885f, -2.2249999046325684f, -2.0399999618530273f, -1.8550000190734863f, -1.6700000762939453f, -2.0399999618530273f, -1.8550000190734863f, -1.6699999570846558f, -1.4849998950958252f, -1.2999999523162842f, -1.1150000095367432f, -0.9300000071525574f, -0.5600000023841858f, -0.375f, -0.1899999976158142f, -0.004999995231628418f, 0.18000000715255737f, 0.36500000953674316f, 0.550000011920929f, 0.18000000715255737f, 0.36500000953674316f, 0.5499999523162842f, 0.7350000143051147f, 0.9199999570846558f, 1.1050000190734863f, 1.2899999618530273f, 0.9200000166893005f, 1.1050000190734863f, 1.2899999618530273f, 1.4749999046325684f, 1.659999966621399f, 1.8450000286102295f, 2.0299999713897705f, 1.6600000858306885f, 1.8450000286102295f, 2.0299999713897705f, 2.2149999141693115f, 2.4000000953674316f, 2.5850000381469727f, 2.7699999809265137f, 2.4000000953674316f, 2.5850000381469727f, 2.7699999809265137f, 2.9549999237060547f, 3.140000104904175f, 3.325000047683716f, 3.509999990463257f};
    private static final float[] BILINEAR_DOWN = {-4.568333625793457f, -4.075000286102295f, -3.5816667079925537f, -2.3483333587646484f, -1.8549998998641968f, -1.3616666793823242f, -0.12833333015441895f, 0.36500000953674316f, 0.8583333492279053f, 2.0916666984558105f, 2.5850000381469727f, 3.0783333778381348f};
    private static final float[] BILINEAR_SF = {-5.0f, -4.9629998207092285f, -4.815000057220459f, -4.6670002937316895f, -4.519000053405762f, -4.371000289916992f, -4.2230000495910645f, -4.075000286102295f, -3.927000045776367f, -3.890000104904175f, -4.260000228881836f, -4.2230000495910645f, -4.074999809265137f, -3.927000045776367f, -3.7790000438690186f, -3.63100004196167f, -3.4830000400543213f, -3.3350000381469727f, -3.187000036239624f, -3.1500000953674316f, -3.2733330726623535f, -3.236332893371582f, -3.0883331298828125f, -2.940333127975464f, -2.7923331260681152f, -2.6443331241607666f, -2.496333122253418f, -2.3483331203460693f, -2.2003331184387207f, -2.1633331775665283f, -2.2866666316986084f, -2.249666452407837f, -2.1016666889190674f, -1.9536665678024292f, -1.8056665658950806f, -1.6576664447784424f, -1.5096665620803833f, -1.3616665601730347f, -1.213666558265686f, -1.1766666173934937f, -0.5600000023841858f, -0.5230000019073486f, -0.375f, -0.22699998319149017f, -0.07899998873472214f, 0.06900002062320709f, 0.21700002253055573f, 0.36500003933906555f, 0.5130000114440918f, 0.550000011920929f, 0.18000000715255737f, 0.21700000762939453f, 0.36500000953674316f, 0.5130000114440918f, 0.6610000133514404f, 0.8090000152587891f, 0.9570000171661377f, 1.1050000190734863f, 1.253000020980835f, 1.2899999618530273f, 1.1666667461395264f, 1.2036666870117188f, 1.3516666889190674f, 1.499666690826416f, 1.6476666927337646f, 1.7956666946411133f, 1.943666696548462f, 2.0916666984558105f, 2.239666700363159f, 2.2766666412353516f, 2.1533334255218506f, 2.190333366394043f, 2.3383333683013916f, 2.4863333702087402f, 2.634333372116089f, 2.7823333740234375f, 2.930333375930786f, 3.0783333778381348f, 3.2263333797454834f, 3.263333320617676f};
    private static final float[] LINEAR = {-5.0f, -4.838125228881836f, -4.606874942779541f, -4.375625133514404f, -4.144375324249268f, -3.9131250381469727f, -3.681874990463257f, -3.5199999809265137f, -3.1500000953674316f, -2.9881250858306885f, -2.7568750381469727f, -2.525624990463257f, -2.294374942779541f, -2.063124895095825f, -1.831874966621399f, -1.6699999570846558f};
    private static final float[] LINEAR_AC = {-5.0f, -4.788571357727051f, -4.57714319229126f, -4.3657145500183105f, -4.154285907745361f, -3.942857027053833f, -3.731428623199463f, -3.5199999809265137f, -3.1500000953674316f, -2.9385714530944824f, -2.727142810821533f, -2.515714406967163f, -2.304285764694214f, -2.0928571224212646f, -1.8814284801483154f, -1.6699999570846558f};
    private static final float[] TRILINEAR = {-5.0f, -4.741000175476074f, -4.445000171661377f, -4.14900016784668f, -3.890000104904175f, -4.074999809265137f, -3.815999984741211f, -3.5199999809265137f, -3.2239999771118164f, -2.9650001525878906f, -2.9649999141693115f, -2.7060000896453857f, -2.4100000858306885f, -2.113999843597412f, -1.8550001382827759f, -2.0399999618530273f, -1.781000018119812f, -1.4849998950958252f, -1.188999891281128f, -0.9300000071525574f, -2.7799999713897705f, -2.5209999084472656f, -2.2250001430511475f, -1.9290000200271606f, -1.6700000762939453f, -1.8550000190734863f, -1.596000075340271f, -1.3000000715255737f, -1.0040000677108765f, -0.7450000643730164f, -0.7449999451637268f, -0.4860000014305115f, -0.1899999976158142f, 0.10600003600120544f, 0.3649999499320984f, 0.18000006675720215f, 0.43900007009506226f, 0.7350000143051147f, 1.031000018119812f, 1.2899999618530273f, -0.5600000023841858f, -0.3009999692440033f, -0.004999995231628418f, 0.29100000858306885f, 0.550000011920929f, 0.3649999797344208f, 0.6239999532699585f, 0.919999897480011f, 1.215999960899353f, 1.4749999046325684f, 1.475000023841858f, 1.7339999675750732f, 2.0299999713897705f, 2.3259999752044678f, 2.5850000381469727f, 2.4000000953674316f, 2.6590001583099365f, 2.9549999237060547f, 3.250999927520752f, 3.509999990463257f};
    private static final float[] TRILINEAR_AC = {-5.0f, -4.841428279876709f, -4.682857036590576f, -4.524285793304443f, -4.3657145500183105f, -4.2071428298950195f, -4.048571586608887f, -3.890000104904175f, -4.4079999923706055f, -4.249428749084473f, -4.09085750579834f, -3.932286024093628f, -3.773714542388916f, -3.615142822265625f, -3.456571578979492f, -3.2980003356933594f, -3.815999984741211f, -3.657428503036499f, -3.498857259750366f, -3.3402857780456543f, -3.1817142963409424f, -3.0231428146362305f, -2.8645715713500977f, -2.7060000896453857f, -3.2239997386932373f, -3.0654282569885254f, -2.9068570137023926f, -2.7482857704162598f, -2.5897140502929688f, -2.431142568588257f, -2.272571325302124f, -2.114000082015991f, -2.631999969482422f, -2.47342848777771f, -2.314857006072998f, -2.1562857627868652f, -1.9977141618728638f, -1.8391426801681519f, -1.680571436882019f, -1.5220000743865967f, -2.0399999618530273f, -1.8814284801483154f, -1.722857117652893f, -1.5642857551574707f, -1.4057142734527588f, -1.2471427917480469f, -1.0885714292526245f, -0.9300000667572021f, -3.5199997425079346f, -3.3614282608032227f, -3.20285701751709f, -3.044285774230957f, -2.885714054107666f, -2.727142572402954f, -2.5685713291168213f, -2.4100000858306885f, -2.927999973297119f, -2.7694284915924072f, -2.6108572483062744f, -2.4522857666015625f, -2.2937142848968506f, -2.1351428031921387f, -1.9765714406967163f, -1.818000078201294f, -2.3359997272491455f, -2.1774282455444336f, -2.018857002258301f, -1.8602855205535889f, -1.701714038848877f, -1.543142557144165f, -1.3845711946487427f, -1.2259999513626099f, -1.7439996004104614f, -1.585428237915039f, -1.4268568754196167f, -1.2682855129241943f, -1.1097140312194824f, -0.9511424899101257f, -0.7925711870193481f, -0.6339998245239258f, -1.151999831199646f, -0.9934282898902893f, -0.8348569273948669f, -0.6762855648994446f, -0.5177140831947327f, -0.35914260149002075f, -0.20057125389575958f, -0.041999880224466324f, -0.5599998831748962f, -0.4014284014701843f, -0.24285700917243958f, -0.08428556472063065f, 0.07428588718175888f, 0.23285730183124542f, 0.39142870903015137f, 0.5500000715255737f, -2.0399999618530273f, -1.8814283609390259f, -1.722857117652893f, -1.5642857551574707f, -1.4057142734527588f, -1.2471427917480469f, -1.0885714292526245f, -0.9299999475479126f, -1.4479999542236328f, -1.289428472518921f, -1.1308571100234985f, -0.9722857475280762f, -0.8137142658233643f, -0.6551427841186523f, -0.4965713918209076f, -0.33799999952316284f, -0.8559998273849487f, -0.6974283456802368f, -0.5388569831848145f, -0.3802855908870697f, -0.22171412408351898f, -0.06314271688461304f, 0.09542873501777649f, 0.25400009751319885f, -0.2639997899532318f, -0.10542838275432587f, 0.053143009543418884f, 0.21171438694000244f, 0.37028583884239197f, 0.5288572907447815f, 0.6874287128448486f, 0.846000075340271f, 0.32800018787384033f, 0.4865715801715851f, 0.6451430320739746f, 0.8037144541740417f, 0.9622859358787537f, 1.1208573579788208f, 1.2794287204742432f, 1.438000202178955f, 0.9200001955032349f, 1.0785715579986572f, 1.2371430397033691f, 1.395714521408081f, 1.5542858839035034f, 1.7128572463989258f, 1.8714287281036377f, 2.0300002098083496f, -0.5600000023841858f, -0.40142858028411865f, -0.24285714328289032f, -0.08428571373224258f, 0.07428573071956635f, 0.23285715281963348f, 0.3914285898208618f, 0.5500000715255737f, 0.03199999779462814f, 0.19057142734527588f, 0.349142849445343f, 0.5077143311500549f, 0.6662857532501221f, 0.8248571157455444f, 0.9834286570549011f, 1.1420000791549683f, 0.624000072479248f, 0.7825714349746704f, 0.9411428570747375f, 1.0997143983840942f, 1.2582857608795166f, 1.416857123374939f, 1.5754286050796509f, 1.7340000867843628f, 1.2160000801086426f, 1.374571442604065f, 1.5331429243087769f, 1.6917144060134888f, 1.8502857685089111f, 2.008857011795044f, 2.167428493499756f, 2.3259999752044678f, 1.8080002069473267f, 1.9665714502334595f, 2.125143051147461f, 2.283714532852173f, 2.4422857761383057f, 2.6008572578430176f, 2.7594287395477295f, 2.9180002212524414f, 2.4000003337860107f, 2.5585715770721436f, 2.7171430587768555f, 2.8757145404815674f, 3.0342860221862793f, 3.192857265472412f, 3.351428747177124f, 3.510000228881836f};
    private static final float[] NEAREST_3D = {-5.0f, -5.0f, -4.630000114440918f, -4.260000228881836f, -4.260000228881836f, -3.890000104904175f, -5.0f, -5.0f, -4.630000114440918f, -4.260000228881836f, -4.260000228881836f, -3.890000104904175f, -3.5199999809265137f, -3.5199999809265137f, -3.1500000953674316f, -2.7799999713897705f, -2.7799999713897705f, -2.4100000858306885f, -3.5199999809265137f, -3.5199999809265137f, -3.1500000953674316f, -2.7799999713897705f, -2.7799999713897705f, -2.4100000858306885f, -2.0399999618530273f, -2.0399999618530273f, -1.6699999570846558f, -1.2999999523162842f, -1.2999999523162842f, -0.9300000071525574f, -5.0f, -5.0f, -4.630000114440918f, -4.260000228881836f, -4.260000228881836f, -3.890000104904175f, -5.0f, -5.0f, -4.630000114440918f, -4.260000228881836f, -4.260000228881836f, -3.890000104904175f, -3.5199999809265137f, -3.5199999809265137f, -3.1500000953674316f, -2.7799999713897705f, -2.7799999713897705f, -2.4100000858306885f, -3.5199999809265137f, -3.5199999809265137f, -3.1500000953674316f, -2.7799999713897705f, -2.7799999713897705f, -2.4100000858306885f, -2.0399999618530273f, -2.0399999618530273f, -1.6699999570846558f, -1.2999999523162842f, -1.2999999523162842f, -0.9300000071525574f, -0.5600000023841858f, -0.5600000023841858f, -0.1899999976158142f, 0.18000000715255737f, 0.18000000715255737f, 0.550000011920929f, -0.5600000023841858f, -0.5600000023841858f, -0.1899999976158142f, 0.18000000715255737f, 0.18000000715255737f, 0.550000011920929f, 0.9200000166893005f, 0.9200000166893005f, 1.2899999618530273f, 1.659999966621399f, 1.659999966621399f, 2.0299999713897705f, 0.9200000166893005f, 0.9200000166893005f, 1.2899999618530273f, 1.659999966621399f, 1.659999966621399f, 2.0299999713897705f, 2.4000000953674316f, 2.4000000953674316f, 2.7699999809265137f, 3.140000104904175f, 3.140000104904175f, 3.509999990463257f};
    private static final float[] AREA = {-4.074999809265137f, -3.705000162124634f, -3.3350000381469727f, -2.5950000286102295f, -2.2250001430511475f, -1.8549998998641968f, 0.36500000953674316f, 0.7350000143051147f, 1.1050000190734863f, 1.8450000286102295f, 2.2149999141693115f, 2.5850000381469727f};
    private static final float[] BILINEAR_GRAD = {-3.632857322692871f, 0.10285772383213043f, -3.387143135070801f, 0.19714292883872986f, -2.432857036590576f, 2.022857189178467f, -0.9114295244216919f, 3.661428451538086f, -1.7342863082885742f, 3.974285840988159f, -0.9585707187652588f, -0.5014287233352661f, 1.5300002098083496f, 0.009999589063227177f, 2.1471433639526367f, -4.307143211364746f, 4.710000038146973f, -2.3199994564056396f, 0.8057133555412292f, -1.315713882446289f, -2.7757136821746826f, 0.9957146048545837f, 3.1328561305999756f, 1.4871439933776855f};
    private static final float[] EMB_GRAD = {-5.0f, 0.5f, -0.5f, -0.5f, -1.5f, -2.5f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, -4.5f, 1.0f, 0.0f};

    private static Tensor seqMod(int m, double scale, int... shape) {
        int n = (int) Shapes.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (((i * 37) % m) / scale - 5.0);
        }
        return Tensor.of(v, shape);
    }

    private static int[] a(int... v) {
        return v;
    }

    // ------------------------------------------------------------------ dropout

    @Test
    void dropoutZeroesAboutPAndScalesTheRest() {
        Tensor x = Tensor.ones(200, 500);
        double p = 0.3;
        float[] y = x.dropout(p, true, new Generator(42)).toFloatArray();
        int zeros = 0;
        double sum = 0;
        for (float v : y) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals(1 / (1 - p), v, 1e-6);
            }
            sum += v;
        }
        // 100000 Bernoulli(0.3) draws: the standard deviation of the fraction is 0.0014
        assertEquals(p, zeros / 100000.0, 0.01);
        assertEquals(1.0, sum / 100000.0, 0.02);
    }

    @Test
    void dropoutIsRepeatableUnderASeedAndIdentityInEval() {
        Tensor x = seq(4, 50);
        float[] a1 = x.dropout(0.5, true, new Generator(7)).toFloatArray();
        float[] a2 = x.dropout(0.5, true, new Generator(7)).toFloatArray();
        float[] b = x.dropout(0.5, true, new Generator(8)).toFloatArray();
        assertArrayEquals(a1, a2);
        assertFalse(java.util.Arrays.equals(a1, b));
        Tensor.manualSeed(3);
        float[] d1 = x.dropout(0.5, true).toFloatArray();
        Tensor.manualSeed(3);
        assertArrayEquals(d1, x.dropout(0.5, true).toFloatArray());
        assertSame(x, x.dropout(0.5, false));
        assertSame(x, x.dropout(0.0, true));
        assertArrayEquals(new float[200], x.dropout(1.0, true).toFloatArray());
    }

    @Test
    void channelDropoutDropsWholeChannels() {
        Tensor x = Tensor.ones(8, 16, 5, 5);
        Tensor y = x.dropout2d(0.5, true, new Generator(11));
        float[] v = y.toFloatArray();
        int dropped = 0;
        for (int ch = 0; ch < 8 * 16; ch++) {
            float first = v[ch * 25];
            for (int i = 1; i < 25; i++) {
                assertEquals(first, v[ch * 25 + i]);
            }
            assertTrue(first == 0 || first == 2);
            dropped += first == 0 ? 1 : 0;
        }
        assertTrue(dropped > 30 && dropped < 98, "dropped " + dropped + " of 128 channels");
        // 3-D channel dropout of an unbatched volume, and dropout2d of [N, C, L]
        float[] u = Tensor.ones(6, 2, 3, 3).dropout3d(0.5, true, new Generator(12)).toFloatArray();
        for (int ch = 0; ch < 6; ch++) {
            for (int i = 1; i < 18; i++) {
                assertEquals(u[ch * 18], u[ch * 18 + i]);
            }
        }
        assertShape(Tensor.ones(2, 3, 7).dropout2d(0.5, true), 2, 3, 7);
        float[] w = Tensor.ones(4, 8, 6).dropout1d(0.5, true, new Generator(13)).toFloatArray();
        for (int ch = 0; ch < 32; ch++) {
            for (int i = 1; i < 6; i++) {
                assertEquals(w[ch * 6], w[ch * 6 + i]);
            }
        }
    }

    @Test
    void dropoutGradientsUseTheSameMask() {
        gradCheck(in -> in[0].dropout(0.4, true, new Generator(5)), leaf(1, 6, 7));
        gradCheck(in -> in[0].dropout2d(0.5, true, new Generator(6)), strided(2, 3, 4, 2, 3));
        gradCheck(in -> in[0].dropout3d(0.3, true, new Generator(7)), leaf(3, 2, 3, 2, 2, 2));
        // the gradient is the mask the forward drew
        Tensor x = leaf(4, 50);
        Tensor y = x.dropout(0.5, true, new Generator(9));
        y.sum().backward();
        assertArrayEquals(y.div(x).toDoubleArray(), x.grad().toDoubleArray(), 1e-12);
    }

    // ------------------------------------------------------------------ embedding

    @Test
    void embeddingLooksUpRowsAndAccumulatesRepeatedIndices() {
        Tensor w = seqMod(101, 10.0, 5, 3).requiresGrad_(true);
        Tensor idx = Tensor.of(new long[] {0, 2, 4, 2, 2, 1}, 2, 3);
        Tensor y = Tensor.embedding(idx, w, 2);
        assertShape(y, 2, 3, 3);
        float[] wv = w.toFloatArray();
        float[] yv = y.toFloatArray();
        long[] iv = idx.toLongArray();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(wv[(int) iv[i] * 3 + j], yv[i * 3 + j]);
            }
        }
        y.backward(seqMod(13, 2.0, 2, 3, 3));
        assertValues(EMB_GRAD, w.grad(), 1e-6);
        // without a padding index the repeated row 2 collects three gradients
        Tensor w2 = leaf(5, 5, 3);
        Tensor.embedding(idx, w2).sum().backward();
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 3, 3, 3, 0, 0, 0, 1, 1, 1}, w2.grad().toDoubleArray());
    }

    @Test
    void embeddingGradients() {
        Tensor idx = Tensor.of(new long[] {3, 0, 3, 1, 4, 4, 0, 2}, 2, 2, 2);
        gradCheck(in -> Tensor.embedding(idx, in[0]), leaf(11, 5, 4));
        // the padding row is treated as a constant, so it is left out of the finite-difference check
        Tensor w = leaf(12, 5, 4);
        Tensor.embedding(idx, w, -1).square().sum().backward();
        assertArrayEquals(new double[4], java.util.Arrays.copyOfRange(w.grad().toDoubleArray(), 16, 20));
        gradGradCheck(in -> Tensor.embedding(idx, in[0]).square(), leaf(13, 5, 2));
        assertShape(Tensor.embedding(Tensor.of(new int[] {1, 2}), Tensor.zeros(3, 4)), 2, 4);
        assertShape(Tensor.embedding(Tensor.scalar(DType.INT64, 1), Tensor.zeros(3, 4)), 4);
    }

    // ------------------------------------------------------------------ interpolate

    @Test
    void nearestMatchesPyTorch() {
        Tensor x2 = seq(2, 1, 3, 4);
        Tensor y = x2.interpolate(a(5, 7), "nearest");
        assertShape(y, 2, 1, 5, 7);
        assertValues(NEAREST_2D, y, 0);
        assertValues(NEAREST_2D_X2, x2.interpolate(2, "nearest"), 0);
        Tensor y1 = seq(1, 2, 5).interpolate(new double[] {1.7}, "nearest", false);
        assertShape(y1, 1, 2, 8);
        assertValues(NEAREST_1D_SF, y1, 0);
        assertValues(NEAREST_EXACT_2D, x2.interpolate(a(5, 3), "nearest-exact"), 0);
        assertValues(NEAREST_3D, seq(1, 1, 2, 3, 4).interpolate(a(3, 5, 6), "nearest"), 0);
    }

    @Test
    void linearModesMatchPyTorch() {
        Tensor x2 = seq(2, 1, 3, 4);
        assertValues(BILINEAR, x2.interpolate(a(5, 7), "bilinear"), 1e-6);
        assertValues(BILINEAR_AC, x2.interpolate(a(5, 7), "bilinear", true), 1e-6);
        assertValues(BILINEAR_DOWN, x2.interpolate(a(2, 3), "bilinear"), 1e-6);
        Tensor sf = x2.interpolate(new double[] {1.5, 2.5}, "bilinear", false);
        assertShape(sf, 2, 1, 4, 10);
        assertValues(BILINEAR_SF, sf, 1e-6);
        Tensor x1 = seq(1, 2, 5);
        assertValues(LINEAR, x1.interpolate(a(8), "linear"), 1e-6);
        assertValues(LINEAR_AC, x1.interpolate(a(8), "linear", true), 1e-6);
        Tensor x3 = seq(1, 1, 2, 3, 4);
        assertValues(TRILINEAR, x3.interpolate(a(3, 4, 5), "trilinear"), 1e-6);
        assertValues(TRILINEAR_AC, x3.interpolate(new double[] {2}, "trilinear", true), 1e-6);
        assertValues(AREA, x2.interpolate(a(2, 3), "area"), 1e-6);
        assertValues(BILINEAR, x2.to(DType.FLOAT64).interpolate(a(5, 7), "bilinear"), 1e-6);
    }

    /**
     * Worked by hand on 1 x 4 rows (the single output row takes the input row with weight 1): at
     * fraction 0.5 the four weights are (-3, 19, 19, -3) / 32, at 0.25 (-27, 225, 67, -9) / 256 and at
     * 0.75 the same reversed; taps past an edge repeat the edge value. All exact in float32.
     */
    @Test
    void bicubicWorkedByHand() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            // 4 -> 2: sources 0.5 and 2.5, taps (0, 0, 1, 2) and (1, 2, 3, 3)
            Tensor x = Tensor.of(new float[] {1, 2, 4, 8}, 1, 1, 1, 4).to(dt).requiresGrad_(true);
            Tensor y = x.interpolate(a(1, 2), "bicubic");
            assertShape(y, 1, 1, 1, 2);
            assertValues(new float[] {1.3125f, 6.1875f}, y, 0);
            y.backward(Tensor.of(new float[] {1, 2}, 1, 1, 1, 2).to(dt));
            // sum of each input's weights times the output gradient; the clamped taps add up
            assertValues(new float[] {0.5f, 0.40625f, 1.09375f, 1.0f}, x.grad(), 0);
        }
        // a step overshoots on both sides, and PyTorch does not clamp the result: 4 -> 8 has sources
        // 0.5 * o - 0.25, so fractions 0.75 and 0.25 alternate
        Tensor step = Tensor.of(new float[] {0, 0, 1, 1}, 1, 1, 1, 4).interpolate(a(1, 8), "bicubic");
        assertValues(new float[] {0, -0.03515625f, -0.10546875f, 0.2265625f, 0.7734375f, 1.10546875f, 1.03515625f, 1},
                step, 0);
    }

    @Test
    void interpolateGradients() {
        Tensor x = seq(2, 1, 3, 4).requiresGrad_(true);
        x.interpolate(a(5, 7), "bilinear").backward(seqMod(101, 10.0, 2, 1, 5, 7));
        assertValues(BILINEAR_GRAD, x.grad(), 1e-5);

        gradCheck(in -> in[0].interpolate(a(7), "linear"), leaf(21, 2, 2, 5));
        gradCheck(in -> in[0].interpolate(a(3), "linear", true), leaf(22, 1, 2, 6));
        gradCheck(in -> in[0].interpolate(a(5, 7), "bilinear"), strided(23, 1, 2, 3, 4));
        gradCheck(in -> in[0].interpolate(new double[] {0.6, 1.7}, "bilinear", true), leaf(24, 1, 1, 5, 4));
        gradCheck(in -> in[0].interpolate(a(3, 4, 5), "trilinear"), leaf(25, 1, 1, 2, 3, 4));
        gradCheck(in -> in[0].interpolate(2, "trilinear"), leaf(26, 1, 1, 2, 2, 3));
        gradCheck(in -> in[0].interpolate(a(5, 7), "nearest"), leaf(27, 2, 1, 3, 4));
        gradCheck(in -> in[0].interpolate(a(2, 3), "nearest-exact"), leaf(28, 1, 2, 5, 4));
        gradCheck(in -> in[0].interpolate(a(3, 5, 6), "nearest"), leaf(29, 1, 1, 2, 3, 4));
        gradCheck(in -> in[0].interpolate(a(2, 3), "area"), leaf(30, 1, 1, 5, 7));
        gradGradCheck(in -> in[0].interpolate(a(5, 3), "bilinear").square(), leaf(31, 1, 1, 3, 4));
        gradCheck(in -> in[0].interpolate(a(5, 7), "bicubic"), strided(32, 1, 2, 3, 4));
        gradGradCheck(in -> in[0].interpolate(a(5, 3), "bicubic", true).square(), leaf(33, 1, 1, 3, 4));
    }

    // ------------------------------------------------------------------ one-hot

    @Test
    void oneHotEncodesLabels() {
        Tensor y = Tensor.of(new long[] {0, 3, 1, 2}, 2, 2).oneHot(5);
        assertEquals(DType.INT64, y.dtype());
        assertShape(y, 2, 2, 5);
        assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0}, y.toLongArray());
        assertShape(Tensor.of(new long[] {0, 6, 2}).oneHot(), 3, 7);
        assertShape(Tensor.zeros(DType.INT64, 0).oneHot(4), 0, 4);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void errorsNameTheOpAndWhatIsAccepted() {
        assertError("oneHot: class value 12 is out of range for numClasses 10 (valid: 0..9)",
                () -> Tensor.of(new long[] {3, 12}).oneHot(10));
        assertError("oneHot: class values must be non-negative, got -1", () -> Tensor.of(new long[] {-1, 2}).oneHot(3));
        assertErrorContains(() -> Tensor.zeros(3).oneHot(3), "oneHot", "float32", ".toLong()");
        assertError("embedding: index 7 is out of range for 5 embeddings (valid: 0..4)",
                () -> Tensor.embedding(Tensor.of(new long[] {1, 7}), Tensor.zeros(5, 2)));
        assertErrorContains(() -> Tensor.embedding(Tensor.zeros(2), Tensor.zeros(5, 2)), "embedding", "int64",
                "float32");
        assertError("embedding: paddingIdx 5 is out of range for 5 embeddings",
                () -> Tensor.embedding(Tensor.of(new long[] {1}), Tensor.zeros(5, 2), 5));
        assertError("dropout: dropout probability must be between 0 and 1, got 1.5",
                () -> Tensor.zeros(3).dropout(1.5, true));
        assertError("dropout2d: expected a 4-D [N, C, H, W] (or 3-D [N, C, L]) input, got shape [3, 4]",
                () -> Tensor.zeros(3, 4).dropout2d(0.5, true));
        Tensor x = Tensor.zeros(1, 2, 8);
        assertError("interpolate: mode 'bilinear' needs a 4-D [N, C, H, W] input, got shape [1, 2, 8]",
                () -> x.interpolate(a(4, 4), "bilinear"));
        assertError("interpolate: unknown mode 'cubic'; expected nearest, nearest-exact, linear, bilinear, bicubic, "
                + "trilinear or area", () -> x.interpolate(a(4), "cubic"));
        assertError("interpolate: alignCorners can only be set with the interpolating modes linear, bilinear, bicubic "
                + "and trilinear, not 'nearest'", () -> x.interpolate(a(4), "nearest", true));
        assertError("interpolate: mode 'bicubic' is 2-D only, as in PyTorch: it needs a 4-D [N, C, H, W] input, got "
                + "shape [1, 2, 8]", () -> x.interpolate(a(4), "bicubic"));
        assertError("interpolate: mode 'bicubic' is 2-D only, as in PyTorch: it needs a 4-D [N, C, H, W] input, got "
                + "shape [1, 1, 2, 2, 2]", () -> Tensor.zeros(1, 1, 2, 2, 2).interpolate(2, "bicubic"));
        assertError("interpolate: size needs 1 or 1 values, got [4, 4]", () -> x.interpolate(a(4, 4), "nearest"));
        assertError("interpolate: input and output sizes must be greater than 0, got input [1, 2, 8] and output size [0]",
                () -> x.interpolate(0.1, "linear"));
    }
}
