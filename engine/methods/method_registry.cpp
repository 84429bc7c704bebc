// The registry of tuning methods: one line per method.

#include "methods/mafin.h"
#include "methods/method.h"
#include "methods/nudge.h"
#include "methods/query_adapter.h"
#include "methods/refine.h"
#include "methods/soft_label.h"

namespace embtune::engine {

const std::vector<const Method *> &registeredMethods()
{
    static const NudgeMethod nudgeN(NudgeMethod::Variant::N);
    static const NudgeMethod nudgeM(NudgeMethod::Variant::M);
    static const QueryAdapterMethod linear(QueryAdapterMethod::Kind::Linear);
    static const QueryAdapterMethod adder(QueryAdapterMethod::Kind::KeyValue);
    static const QueryAdapterMethod adder2(QueryAdapterMethod::Kind::KeyValueBoth);
    static const RefineMethod refine;
    static const SoftLabelMethod softLabel;
    static const MafinMethod mafin(false);
    static const MafinMethod mafinLambda(true);
    static const std::vector<const Method *> methods{&nudgeN, &nudgeM, &linear, &adder, &adder2,
                                                     &mafin, &mafinLambda, &refine, &softLabel};
    return methods;
}

const Method *findMethod(const std::string &id)
{
    for (const Method *method : registeredMethods())
        if (method->spec().id == id)
            return method;
    return nullptr;
}

} // namespace embtune::engine
